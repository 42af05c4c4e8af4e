import { libraryPreset } from '@toolbox/config/tsup';

// `datasets` is its own entry so the main entry stays free of node:fs.
export default libraryPreset({ entry: ['src/index.ts', 'src/datasets.ts'] });
