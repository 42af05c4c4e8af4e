export { accuracy, r2Score } from './metrics.js';
