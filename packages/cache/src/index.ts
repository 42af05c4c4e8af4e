export { estimateBytes } from './estimate-bytes.js';
