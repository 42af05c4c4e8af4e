import { defineSuite } from '@toolbox/config/bench';
import { digitsRegistry, load, type ServerProcess, startServerProcess } from './_load.js';

const servers: ServerProcess[] = [];
/** The work a sample stands for: its time is scaled to this many requests at the measured throughput. */
const REQUESTS = 1_000;

export default defineSuite({
  name: 'server',
  cases({ quick }) {
    let batched: ServerProcess | undefined;
    let unbatched: ServerProcess | undefined;
    let body = '';
    // autocannon reports on whole seconds, so each sample is a timed run, not a fixed amount.
    const durationSec = 4;
    const run = (server: () => ServerProcess | undefined) => async () => {
      const result = await load((server() as ServerProcess).url, body, { connections: 64, durationSec });
      if (result.errors + result.non2xx > 0) {
        throw new Error(`${result.errors} errors and ${result.non2xx} non-2xx answers under load`);
      }
      return (REQUESTS / result.requestsPerSecond) * 1000;
    };
    return [
      {
        name: 'predict kNN on digits, 64 clients: batching on vs off',
        async setup() {
          // Two server processes and seconds of load per sample: too slow for the one-minute quick run.
          if (quick) return { skip: 'load test; run without --quick' };
          const registry = digitsRegistry();
          body = registry.body;
          batched = await startServerProcess(registry.dir, true);
          unbatched = await startServerProcess(registry.dir, false);
          servers.push(batched, unbatched);
        },
        baseline: { name: 'toolbox-server --no-batching', fn: run(() => unbatched), selfTimed: true },
        candidate: { name: 'toolbox-server (DynamicBatcher)', fn: run(() => batched), selfTimed: true },
        work: { amount: REQUESTS, unit: 'request' },
        target: { minSpeedup: 3, label: 'server: batching ≥ 3× the throughput of no batching (issue 14)' },
      },
    ];
  },
  async teardown() {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  },
});
