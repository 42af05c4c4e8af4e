import { createHash } from 'node:crypto';
import { defineSuite } from '@toolbox/config/bench';
import { createXXHash128 } from 'hash-wasm';
import { hashKey } from '../src/index.js';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function randomFloats(count: number): Float64Array {
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = Math.random();
  return data;
}

/** 10k keys, each holding a small record: the shape of a config or feature dictionary. */
function nestedObject(keys: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys; i++) {
    out[`feature_${i}`] = { index: i, weight: Math.random(), name: `f${i}`, tags: ['numeric', i % 7] };
  }
  return out;
}

export default defineSuite({
  name: 'cache',
  cases: async ({ quick }) => {
    const data = randomFloats(1 << 20); // 8 MB, in quick mode too: the target is about this size
    const bytes = new Uint8Array(data.buffer);
    const raw = await createXXHash128();
    const small = randomFloats(quick ? 1 << 14 : 1 << 17);
    const object = nestedObject(10_000);
    return [
      {
        name: 'hashKey 8 MB Float64Array vs sha256',
        baseline: { name: "crypto.createHash('sha256')", fn: () => sha256(bytes) },
        candidate: { name: 'hashKey', fn: () => hashKey(data) },
        work: { amount: data.byteLength, unit: 'B' },
        target: { minSpeedup: 3, label: 'hash 8 MB Float64Array ≥ 3× sha256, ≥ 5 GB/s (DESIGN §4)' },
      },
      {
        name: 'hashKey 8 MB Float64Array vs raw xxh128 on the same bytes',
        baseline: {
          name: 'hash-wasm xxh128 init/update/digest',
          fn: () => raw.init().update(bytes).digest(),
        },
        candidate: { name: 'hashKey', fn: () => hashKey(data) },
        work: { amount: data.byteLength, unit: 'B' },
        target: {
          minSpeedup: 0.9,
          label: 'hashKey within 10 % of the raw 128-bit hash (issue 6, acceptance 4)',
        },
      },
      {
        name: `hashKey ${small.byteLength / 1024} kB Float64Array vs JSON.stringify+sha256`,
        baseline: {
          name: 'sha256(JSON.stringify(Array.from(x)))',
          fn: () => sha256(JSON.stringify(Array.from(small))),
        },
        candidate: { name: 'hashKey', fn: () => hashKey(small) },
        work: { amount: small.byteLength, unit: 'B' },
      },
      {
        name: 'hashKey 10k-key nested object vs JSON.stringify+sha256',
        baseline: {
          name: 'sha256(JSON.stringify(x)) (key order dependent)',
          fn: () => sha256(JSON.stringify(object)),
        },
        candidate: { name: 'hashKey (key order independent)', fn: () => hashKey(object) },
      },
    ];
  },
});
