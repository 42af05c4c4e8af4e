import { libraryPreset } from '@toolbox/config/tsup';

// fit-worker is built beside index: the executor's workers load it as real JavaScript.
export default libraryPreset({ entry: ['src/index.ts', 'src/fit-worker.ts'] });
