import { packageConfig } from '@toolbox/config/vitest';

export default packageConfig();
