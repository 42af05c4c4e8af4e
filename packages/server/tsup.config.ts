import { libraryPreset } from '@toolbox/config/tsup';

export default libraryPreset({ entry: ['src/index.ts', 'src/cli.ts', 'src/warm-worker.ts'] });
