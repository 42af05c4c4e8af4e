import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const demoDir = resolve(import.meta.dirname, '..');

/** Reads server-sent events until one named `until` arrives. */
async function readEvents(url: string, until: string): Promise<{ event: string; data: unknown }[]> {
  const response = await fetch(url);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
      events.push({ event, data: JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') });
      if (event === until) {
        await reader.cancel();
        return events;
      }
    }
  }
}

describe('pnpm demo -- --serve', () => {
  it('streams progress events and the final summary to an SSE client', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'toolbox-demo-serve-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        '--serve',
        '0',
        '--rows',
        '2000',
        '--datasets',
        'iris',
        '--state-dir',
        stateDir,
      ],
      { cwd: demoDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const match = /dashboard live at (http:\/\/\S+)/.exec(output);
          if (match) resolveUrl(match[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`demo exited with ${code} before serving: ${output}`)));
      });
      const events = await readEvents(`${url}events`, 'done');
      const progress = events.filter((event) => event.event === 'progress');
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(events.some((event) => event.event === 'update')).toBe(true);
      const done = events.at(-1);
      expect(done?.event).toBe('done');
      const summary = (done?.data as { summary: { leaderboards: { dataset: string }[] } } | undefined)
        ?.summary;
      expect(summary?.leaderboards.map((row) => row.dataset)).toEqual(['iris']);
      const page = await (await fetch(url)).text();
      expect(page).toContain("new EventSource('/events')");
    } finally {
      child.kill('SIGTERM');
    }
  }, 180_000);
});
