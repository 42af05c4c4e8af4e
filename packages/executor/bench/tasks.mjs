// Task functions for the executor benchmarks: CPU work by iteration count (not by clock),
// so that contention slows it down as it would slow real work.

/** Runs `iterations` rounds of cheap arithmetic; returns a value that depends on all of them. */
export function spin(iterations) {
  let x = 0;
  for (let k = 0; k < iterations; k++) x = (x * 1.000001 + k) % 1_000_003;
  return x;
}

export function addOne(x) {
  return x + 1;
}

/** Light compute over a large typed array. */
export function sum(array) {
  let total = 0;
  for (let k = 0; k < array.length; k++) total += array[k];
  return total;
}
