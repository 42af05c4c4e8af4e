/**
 * The server's load test: 64 clients for 20 seconds against the built toolbox-server,
 * batching off then on, on a kNN model of digits. Prints throughput, p50/p99 latency,
 * failures and the server's memory (RSS at start, end and peak, sampled every second).
 *
 *   pnpm --filter @toolbox/server build && pnpm --filter @toolbox/server exec tsx bench/load-test.ts [seconds]
 */
import { digitsRegistry, load, startServerProcess } from './_load.js';

const seconds = Number(process.argv[2] ?? 20);
const { dir, body } = digitsRegistry();
const rows: string[] = [];
const results: Record<string, number> = {};
for (const batching of [false, true]) {
  const server = await startServerProcess(dir, batching);
  await load(server.url, body, { connections: 64, amount: 500 }); // warm-up, not counted
  const startRss = server.rssBytes();
  let peakRss = startRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, server.rssBytes());
  }, 1_000);
  const result = await load(server.url, body, { connections: 64, durationSec: seconds });
  clearInterval(sampler);
  const endRss = server.rssBytes();
  const exitCode = await server.stop();
  const mb = (bytes: number) => (bytes / 1024 ** 2).toFixed(0);
  results[batching ? 'on' : 'off'] = result.requestsPerSecond;
  rows.push(
    `| ${batching ? 'on' : 'off'} | ${result.requests} | ${result.requestsPerSecond.toFixed(0)} | ${result.p50Ms} | ${result.p99Ms} | ${result.errors} | ${result.non2xx} | ${mb(startRss)} / ${mb(endRss)} / ${mb(peakRss)} | ${exitCode} |`,
  );
}
process.stdout.write(
  [
    `64 clients, ${seconds} s each, kNN (k = 5) on digits, one row per request`,
    '',
    '| batching | requests | req/s | p50 ms | p99 ms | errors | non-2xx | server RSS MB start / end / peak | exit |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `batching on / off: ${((results.on ?? 0) / (results.off ?? 1)).toFixed(2)}x throughput`,
    '',
  ].join('\n'),
);
