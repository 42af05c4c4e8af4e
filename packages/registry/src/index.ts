export { validateName } from './names.js';
