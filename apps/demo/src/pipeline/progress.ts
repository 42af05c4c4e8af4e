/** How the demo talks: progress on stderr (only on a terminal), results on stdout, all of it optional. */
export interface Reporter {
  /** A step's heading. */
  step(title: string): void;
  /** A line of results. */
  line(text: string): void;
  /** Progress of the current step: `done` of `total`, with an ETA. */
  progress(done: number, total: number): void;
  /** Ends the current progress display. */
  endProgress(): void;
  readonly colour: boolean;
}

export interface ReporterOptions {
  quiet: boolean;
  /** stdout is a terminal: colours and live progress. */
  tty: boolean;
  write: (text: string) => void;
  writeProgress: (text: string) => void;
  now?: () => number;
}

const BAR_WIDTH = 24;

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  return seconds >= 60
    ? `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`
    : `${seconds.toFixed(1)}s`;
}

export function createReporter(options: ReporterOptions): Reporter {
  const now = options.now ?? (() => performance.now());
  const bold = (text: string) => (options.tty ? `\u001b[1m${text}\u001b[22m` : text);
  let started = now();
  let shown = false;
  let lastDrawn = 0;
  return {
    colour: options.tty,
    step(title) {
      started = now();
      if (!options.quiet) options.write(`\n${bold(title)}\n`);
    },
    line(text) {
      if (!options.quiet) options.write(`  ${text}\n`);
    },
    progress(done, total) {
      if (options.quiet || !options.tty) return;
      const elapsedMs = now() - started;
      // Only steps that last more than about a second get a bar; redraw at most every 80 ms.
      if (elapsedMs < 1000 || (now() - lastDrawn < 80 && done < total)) return;
      lastDrawn = now();
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * BAR_WIDTH);
      const etaSeconds = share > 0 ? ((elapsedMs / share) * (1 - share)) / 1000 : Number.NaN;
      options.writeProgress(
        `\r  [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}  ${formatSeconds(elapsedMs / 1000)} elapsed, ETA ${formatSeconds(etaSeconds)}  `,
      );
      shown = true;
    },
    endProgress() {
      if (shown) options.writeProgress(`\r${' '.repeat(BAR_WIDTH + 60)}\r`);
      shown = false;
    },
  };
}

/** A plain-text table with aligned columns. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)].join('\n');
}
