import { libraryPreset } from '@toolbox/config/tsup';

// The worker-side entries are built beside index: the executor's workers load them as real JavaScript.
export default libraryPreset({ entry: ['src/index.ts', 'src/fit-worker.ts', 'src/math-worker.ts'] });
