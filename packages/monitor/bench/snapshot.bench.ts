import { freemem } from 'node:os';
import { defineSuite } from '@toolbox/config/bench';
import si from 'systeminformation';
import { createSnapshotter, LogHistogram } from '../src/index.js';

const snapshotter = createSnapshotter();

export default defineSuite({
  name: 'monitor',
  cases: ({ quick }) => {
    const values = new Float64Array(quick ? 1_000 : 10_000);
    for (let i = 0; i < values.length; i++) values[i] = Math.exp(3 * Math.random());
    const histogram = new LogHistogram();
    const exact = new Float64Array(values.length);
    return [
      {
        name: 'snapshot() vs systeminformation',
        baseline: {
          name: 'si.currentLoad() + si.mem()',
          fn: () => Promise.all([si.currentLoad(), si.mem()]),
        },
        candidate: { name: 'monitor snapshot()', fn: () => snapshotter.snapshot() },
        target: { maxMedianMs: 0.05, label: 'monitor snapshot ≤ 50 µs (DESIGN §4)' },
      },
      {
        name: 'snapshot() vs process.cpuUsage() + os.freemem()',
        baseline: { name: 'process.cpuUsage() + os.freemem()', fn: () => [process.cpuUsage(), freemem()] },
        candidate: { name: 'monitor snapshot()', fn: () => snapshotter.snapshot() },
      },
      {
        name: `histogram record ×${values.length}`,
        baseline: {
          name: 'store every sample (exact quantiles need them all)',
          fn: () => {
            for (let i = 0; i < values.length; i++) exact[i] = values[i] as number;
          },
        },
        candidate: {
          name: 'LogHistogram.record',
          fn: () => {
            for (let i = 0; i < values.length; i++) histogram.record(values[i] as number);
          },
        },
        work: { amount: values.length, unit: 'records' },
      },
    ];
  },
  teardown: () => snapshotter.dispose(),
});
