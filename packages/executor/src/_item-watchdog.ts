/**
 * Watches a chunk's shared progress cell (`[0]` items finished, `[1]` `Date.now()` when the
 * current item started) and calls `onTimeout(finished)` once the current item has run for
 * `limitMs` milliseconds (never without a limit). Returns the function that stops watching.
 */
export function watchItems(
  progress: Float64Array,
  limitMs: number | undefined,
  onTimeout: (finished: number) => void,
): () => void {
  if (limitMs === undefined) return () => {};
  let watchdog: NodeJS.Timeout | undefined;
  const check = () => {
    const itemStartedMs = progress[1] as number;
    const elapsedMs = itemStartedMs === 0 ? 0 : Date.now() - itemStartedMs;
    if (elapsedMs >= limitMs) onTimeout(progress[0] as number);
    else watchdog = setTimeout(check, Math.max(1, limitMs - elapsedMs));
  };
  watchdog = setTimeout(check, limitMs);
  return () => clearTimeout(watchdog);
}
