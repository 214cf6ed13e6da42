// The arbiter's own small HTTP listener for `metrics_bind`: GET /metrics and GET /healthz,
// nothing else. Unlike the app's sockets it accepts in the arbiter and is never shared with
// workers. An address in use (e.g. the old master during USR2) is retried every second.
// node:http is evaluated when the listener starts: a master without metrics_bind never serves
// HTTP, and the module costs ~2.8 MB of its RSS (src/http/lazy-builtins.ts).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { loadHttp } from '../http/lazy-builtins.js';
import type { BindAddress } from '../arbiter/sockets/index.js';
import { formatBindAddress } from '../arbiter/sockets/index.js';
import { removeSocketFile } from '../arbiter/sockets/listening-socket.js';
import type { Health } from './health.js';

export interface MetricsHandlers {
  metrics(): Promise<{ readonly body: string; readonly contentType: string }>;
  health(): Health;
}

export interface MetricsListenerEvents {
  /** The listener accepts; `url` has the real port when 0 was asked. */
  listening(url: string): void;
  error(message: string): void;
}

export interface MetricsListener {
  close(): Promise<void>;
}

const RETRY_MS = 1000;

async function route(req: IncomingMessage, res: ServerResponse, handlers: MetricsHandlers): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics' && path !== '/healthz') return send(res, 404, 'text/plain; charset=utf-8', 'Not found: this listener serves /metrics and /healthz only\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
  }
  if (path === '/healthz') {
    const h = handlers.health();
    return send(res, h.ok ? 200 : 503, 'application/json', `${JSON.stringify(h)}\n`);
  }
  const { body, contentType } = await handlers.metrics();
  send(res, 200, contentType, body);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function listenOptions(address: BindAddress): { host: string; port: number } | { path: string } | { fd: number } {
  switch (address.kind) {
    case 'tcp': return { host: address.host, port: address.port };
    case 'unix': return { path: address.path };
    case 'fd': return { fd: address.fd };
  }
}

function urlOf(server: Server, address: BindAddress): string {
  const a = server.address();
  if (a === null || typeof a === 'string' || address.kind !== 'tcp') return formatBindAddress(address);
  return `http://${formatBindAddress({ kind: 'tcp', host: a.address, port: a.port })}`;
}

/** A Unix socket path nobody accepts on any more (a crashed arbiter's leftover) may be replaced. */
function isStale(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => { probe.destroy(); resolve(false); });
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

export function startMetricsServer(address: BindAddress, handlers: MetricsHandlers, events: MetricsListenerEvents): MetricsListener {
  const server = loadHttp().createServer((req, res) => {
    route(req, res, handlers).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
      else res.destroy();
    });
  });
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let warned = false;
  const attempt = (): void => {
    if (closed) return;
    server.listen(listenOptions(address));
  };
  server.on('listening', () => events.listening(urlOf(server, address)));
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (closed) return;
    if (err.code !== 'EADDRINUSE') return events.error(`metrics listener ${formatBindAddress(address)}: ${err.message}`);
    void (async () => {
      if (address.kind === 'unix' && (await isStale(address.path))) {
        removeSocketFile(address.path);
        return attempt();
      }
      if (!warned) events.error(`metrics listener ${formatBindAddress(address)}: address in use, retrying every second`);
      warned = true;
      retry = setTimeout(attempt, RETRY_MS);
      retry.unref();
    })();
  });
  attempt();
  return {
    close: () => new Promise<void>((resolve) => {
      closed = true;
      clearTimeout(retry);
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
