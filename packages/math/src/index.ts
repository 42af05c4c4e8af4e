export { transpose } from './transpose.js';
