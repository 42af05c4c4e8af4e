import { libraryPreset } from '@toolbox/config/tsup';

// The worker entry is built beside index: piscina loads it as real JavaScript at run time.
// `bullmq` is the optional `@toolbox/executor/bullmq` sub-path; `toolbox-worker` its bin.
export default libraryPreset({
  entry: {
    index: 'src/index.ts',
    worker: 'src/worker.ts',
    bullmq: 'src/bullmq/index.ts',
    'toolbox-worker': 'src/bullmq/cli.ts',
  },
});
