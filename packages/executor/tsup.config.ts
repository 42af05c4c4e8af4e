import { libraryPreset } from '@toolbox/config/tsup';

// The worker entry is built beside index: piscina loads it as real JavaScript at run time.
export default libraryPreset({ entry: ['src/index.ts', 'src/worker.ts'] });
