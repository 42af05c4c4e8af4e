/**
 * DESIGN.md §4: "`fit` on iris/wine/breast-cancer/digits/diabetes | scikit-learn 5-fold
 * CV | same score ±1 point, less time". The candidate is `toolbox.fit(X, y)` (cache,
 * advisor and registry off); the baseline is scikit-learn doing the same sweep — the
 * same three candidate pipelines, 5-fold CV on the same folds, refit of the best — in a
 * long-lived python process (fit_sklearn.py) that times the sweep itself, so that
 * interpreter start-up and imports are never counted. The python is $TOOLBOX_PYTHON,
 * else /usr/bin/python3 (Debian's python3-sklearn; a pyenv python3 on PATH may lack it).
 * Without scikit-learn, or with --quick, the cases are reported as not measured.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { defineSuite } from '@toolbox/config/bench';
import { DATASET_NAMES, type Dataset, loadDataset } from '@toolbox/predictor/datasets';
import { createToolbox, type Toolbox } from '../src/index.js';

const SCRIPT = fileURLToPath(new URL('./fit_sklearn.py', import.meta.url));
const PYTHON = process.env.TOOLBOX_PYTHON ?? '/usr/bin/python3';
/** "±1 point": one percentage point of accuracy or R². */
const MAX_SCORE_GAP = 0.01;

interface SweepReply {
  ms: number;
  score: number;
  best: string;
}

/** The python side: one JSON request per line in, one reply per line out. */
class SklearnServer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #replies: AsyncIterator<string>;

  constructor(python: string) {
    this.#child = spawn(python, [SCRIPT], { stdio: 'pipe' });
    this.#child.stderr.pipe(process.stderr);
    this.#replies = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  async request<T>(message: object): Promise<T> {
    this.#child.stdin.write(`${JSON.stringify(message)}\n`);
    const reply = await this.#replies.next();
    if (reply.done) throw new Error(`${PYTHON} ${SCRIPT} exited before replying to ${Object.keys(message)}`);
    return JSON.parse(reply.value) as T;
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.stdin.end();
    await exited;
  }
}

let server: SklearnServer | undefined;
let toolbox: Toolbox | undefined;
let sklearnInstalled: boolean | undefined;

/** Whether $TOOLBOX_PYTHON (else /usr/bin/python3) imports scikit-learn; checked once. */
function hasSklearn(): boolean {
  sklearnInstalled ??= spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
  return sklearnInstalled;
}

export default defineSuite({
  name: 'core/fit-vs-sklearn',
  cases: ({ quick }) =>
    DATASET_NAMES.map((name) => {
      let data: Dataset | undefined;
      let ours: { score: number; best: string } | undefined;
      let theirs: SweepReply | undefined;
      return {
        name: `fit ${name} vs scikit-learn sweep (3 models, 5-fold CV, refit)`,
        setup: async () => {
          if (quick) return { skip: 'not run with --quick' };
          if (!hasSklearn()) return { skip: `scikit-learn not installed for ${PYTHON}; set TOOLBOX_PYTHON` };
          server ??= new SklearnServer(PYTHON);
          // The CPU limit is lifted so that the governor does not shrink the toolbox's
          // workers when other processes load the shared machine; scikit-learn is not governed.
          toolbox ??= createToolbox({ advisor: false, cache: false, registry: false, maxCpuPercent: 100 });
          const loaded = loadDataset(name);
          const { X } = loaded;
          await server.request({
            load: name,
            X: Array.from({ length: X.rows }, (_, i) =>
              Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)),
            ),
            y: Array.from(loaded.y),
            regression: loaded.task === 'regression',
          });
          data = loaded;
          return undefined;
        },
        baseline: {
          name: 'scikit-learn sweep (cross_val_score x3 + refit; timed in python)',
          selfTimed: true,
          fn: async () => {
            theirs = await (server as SklearnServer).request<SweepReply>({ run: name });
            return theirs.ms;
          },
        },
        candidate: {
          name: 'toolbox.fit (cache off)',
          fn: async () => {
            const { X, y } = data as Dataset;
            const result = await (toolbox as Toolbox).fit(X, y, { cache: false });
            const [best] = result.leaderboard;
            ours = { score: best?.mean ?? Number.NaN, best: best?.name ?? '?' };
          },
        },
        target: {
          minSpeedup: 1,
          label: '`fit`: same score ±1 point as scikit-learn 5-fold CV, less time (DESIGN §4)',
          check: () => {
            if (ours === undefined || theirs === undefined) return { met: false, detail: 'no scores' };
            const gap = ours.score - theirs.score;
            return {
              met: Math.abs(gap) <= MAX_SCORE_GAP,
              detail: `best CV score ${ours.score.toFixed(3)} (${ours.best}) vs scikit-learn ${theirs.score.toFixed(3)} (${theirs.best}), gap ${(100 * gap).toFixed(1)} points`,
            };
          },
        },
      };
    }),
  teardown: async () => {
    await server?.close();
    await toolbox?.dispose();
    server = undefined;
    toolbox = undefined;
  },
});
