export type { ArgsortOptions } from './argsort.js';
export { argsort } from './argsort.js';
export type { BufferPoolOptions, BufferPoolStats } from './buffer-pool.js';
export { BufferPool } from './buffer-pool.js';
export { cholesky, choleskySolve, solveSPD } from './cholesky.js';
export type { VarianceOptions } from './column-stats.js';
export { columnMeans, columnStd, columnVariances } from './column-stats.js';
export { correlation, covariance } from './covariance.js';
export type { EigSymmetricResult } from './eig-symmetric.js';
export { eigSymmetric } from './eig-symmetric.js';
export { add, axpy, scale, sub } from './elementwise.js';
export type { Float32Matrix } from './float32.js';
export { fromFloat32, toFloat32 } from './float32.js';
export type { LeastSquaresOptions, LeastSquaresResult } from './least-squares.js';
export { leastSquares } from './least-squares.js';
export {
  gram,
  matmul,
  matmulRows,
  matmulTransposeA,
  matmulTransposeB,
  matmulTransposeBRows,
} from './matmul.js';
export type {
  NearestNeighboursOptions,
  NearestNeighboursResult,
  NeighbourIndex,
} from './nearest-neighbours.js';
export { nearestNeighbours, prepareNeighbours } from './nearest-neighbours.js';
export { pairwiseSquaredEuclidean, pairwiseSquaredEuclideanRows } from './pairwise.js';
export type { MatmulFactor, PreparedMatrix } from './prepared-matmul.js';
export { prepareMatmul } from './prepared-matmul.js';
export type { QrOptions, QrResult } from './qr.js';
export { qr } from './qr.js';
export { columnQuantiles, quantile } from './quantile.js';
export type { QuantizedInt8Matrix } from './quantize.js';
export { dequantizeInt8, quantizeInt8 } from './quantize.js';
export { createSharedMatrix, rowBlocks } from './shared.js';
export type { SvdOptions, SvdResult } from './svd.js';
export { svd } from './svd.js';
export { transpose } from './transpose.js';
export { dot, norm2 } from './vector.js';
