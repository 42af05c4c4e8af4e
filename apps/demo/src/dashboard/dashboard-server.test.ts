import { describe, expect, it } from 'vitest';
import { startDashboardServer } from './dashboard-server.js';
import { sampleDashboard } from './fixtures/sample-dashboard.js';

/** Reads server-sent events from `url` until one named `until` arrives. */
async function collectEvents(url: string, until: string): Promise<{ event: string; data: unknown }[]> {
  const response = await fetch(url);
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null');
      events.push({ event, data });
      if (event === until) {
        await reader.cancel();
        return events;
      }
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}

describe('dashboard server (--serve)', () => {
  it('streams progress, updates and the final summary to an SSE client, and serves the live page', async () => {
    await using server = await startDashboardServer(sampleDashboard, { port: 0 });
    server.progress('step 1/3: profiling');
    const received = collectEvents(`${server.url}events`, 'done');
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.progress('step 2/3: fitting');
    server.update({ ...sampleDashboard, generatedAt: 'later' });
    server.done({ message: 'all steps finished', steps: 3 });
    const events = await received;
    expect(events.map((e) => e.event)).toEqual(['progress', 'progress', 'update', 'done']);
    expect(events[0]?.data).toEqual({ message: 'step 1/3: profiling' });
    expect(events[3]?.data).toEqual({ message: 'all steps finished', steps: 3 });

    const page = await (await fetch(server.url)).text();
    expect(page).toContain("new EventSource('/events')");
    expect(await (await fetch(`${server.url}sections`)).text()).toContain('data-chart="bar"');
    expect((await fetch(`${server.url}nope`)).status).toBe(404);
  });
});
