import { assertDenseMatrix, type DenseMatrix, ShapeError } from '@toolbox/contracts';
import type { Executor } from '@toolbox/executor';
import { builtModule } from '@toolbox/executor';
import { createSharedMatrix, matmul, rowBlocks } from '@toolbox/math';
import type { MatmulBlock } from './math-worker.js';

/**
 * Below this many multiply-adds (m·k·n) a product stays on the calling thread: at
 * 15 GFLOP/s, 2^25 multiply-adds take ~4 ms, about what moving the operands into
 * shared memory and waking the workers costs.
 */
export const PARALLEL_MIN_MULTIPLY_ADDS = 2 ** 25;

export interface ParallelMath {
  /**
   * `a · b`. Large products are split into row blocks computed on the executor's
   * workers over SharedArrayBuffer copies of the operands (the result is backed by a
   * SharedArrayBuffer); small ones run in place with `@toolbox/math`'s `matmul`.
   */
  matmul(a: DenseMatrix, b: DenseMatrix): Promise<DenseMatrix>;
}

function shared(matrix: DenseMatrix): DenseMatrix {
  if (matrix.data.buffer instanceof SharedArrayBuffer) return matrix;
  const copy = createSharedMatrix(matrix.rows, matrix.cols);
  copy.data.set(matrix.data);
  return copy;
}

/** Math kernels fanned out over the executor's worker threads where it pays. */
export function createParallelMath(executor: Executor, workers: () => number): ParallelMath {
  const task = { module: builtModule(import.meta.url, 'math-worker.js'), export: 'matmulBlock' };
  return {
    async matmul(a, b) {
      assertDenseMatrix(a, 'a');
      assertDenseMatrix(b, 'b');
      if (a.cols !== b.rows) {
        throw new ShapeError(
          `matmul needs a.cols === b.rows, got a ${a.rows}x${a.cols} and b ${b.rows}x${b.cols}`,
          {
            details: { a: [a.rows, a.cols], b: [b.rows, b.cols] },
          },
        );
      }
      const count = workers();
      if (count < 2 || a.rows < 2 * count || a.rows * a.cols * b.cols < PARALLEL_MIN_MULTIPLY_ADDS)
        return matmul(a, b);
      const left = shared(a);
      const right = shared(b);
      const out = createSharedMatrix(a.rows, b.cols);
      const blocks: MatmulBlock[] = rowBlocks(a.rows, count * 2).map(([rowStart, rowEnd]) => ({
        a: left,
        b: right,
        out,
        rowStart,
        rowEnd,
      }));
      await executor.map(task, blocks, {
        plan: { mode: 'threads', workers: count, chunkSize: 1, maxInFlight: blocks.length },
        taskType: 'generic',
      });
      return out;
    },
  };
}
