import { libraryPreset } from '@toolbox/config/tsup';

export default libraryPreset();
