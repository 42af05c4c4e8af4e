import { libraryPreset } from '@toolbox/config/tsup';

// `redis` is its own entry (`@toolbox/cache/redis`) so the main entry never loads ioredis.
export default libraryPreset({ entry: { index: 'src/index.ts', redis: 'src/redis/index.ts' } });
