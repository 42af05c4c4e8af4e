import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DashboardData } from './dashboard-data.js';
import { renderDashboard, renderSections } from './render-dashboard.js';

export interface DashboardServerOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  host?: string;
}

export interface DashboardServer extends AsyncDisposable {
  readonly url: string;
  /** Sends a progress line to every open page (`progress` event). */
  progress(message: string): void;
  /** Replaces the dashboard's data and tells pages to re-render (`update` event). */
  update(data: DashboardData): void;
  /** Sends the final summary (`done` event); pages stop listening. */
  done(summary: unknown): void;
  close(): Promise<void>;
}

/**
 * Serves the dashboard live on localhost (`pnpm demo -- --serve`): `/` is the page,
 * `/sections` its charts, `/events` a server-sent-event stream of progress, updates and
 * the final summary. Events sent before a page connects are replayed to it, so a page
 * opened late still sees the whole run.
 */
export async function startDashboardServer(
  initial: DashboardData,
  options: DashboardServerOptions,
): Promise<DashboardServer> {
  let data = initial;
  const clients = new Set<ServerResponse>();
  const history: string[] = [];

  function send(event: string, payload: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    history.push(frame);
    for (const client of clients) client.write(frame);
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      for (const frame of history) response.write(frame);
      clients.add(response);
      request.on('close', () => clients.delete(response));
      return;
    }
    if (path === '/' || path === '/dashboard.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(renderDashboard(data, { live: true }));
      return;
    }
    if (path === '/sections') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(renderSections(data));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;

  const dashboard: DashboardServer = {
    url: `http://${address.address}:${address.port}/`,
    progress: (message) => send('progress', { message }),
    update(next) {
      data = next;
      send('update', { generatedAt: next.generatedAt });
    },
    done: (summary) => send('done', summary),
    async close() {
      for (const client of clients) client.end();
      clients.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    [Symbol.asyncDispose]: () => dashboard.close(),
  };
  return dashboard;
}
