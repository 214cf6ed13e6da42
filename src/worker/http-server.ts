// Creates the worker's HTTP server around the app's request listener. The server never
// listens itself: the connection gate accepts on the inherited sockets and hands connections
// over. Request limits, TLS and the PROXY protocol plug in here.
import type { RequestListener } from 'node:http';
import type { HookLogger, SslContextHook } from '../config/hook-types.js';
import { createHttpEdge, type EdgeServer, type EdgeServerOptions } from '../http/index.js';
import type { WorkerConfig } from '../config/worker-config.js';

/** Whether the server offers keep-alive at all: Gunicorn's `keepalive 0` and the sync class close after each response. */
export function keepsAlive(settings: WorkerConfig): boolean {
  return settings.keepalive > 0 && settings.worker_class !== 'sync';
}

/** `options`: the worker's ServerResponse subclass (worker-response.ts), what sees requests the edge rejects. */
/** `sslContext`: the config file's ssl_context hook, which builds the TLS context (SNI included). */
export function createHttpServer(settings: WorkerConfig, listener: RequestListener, log: HookLogger, options?: EdgeServerOptions, sslContext?: SslContextHook): EdgeServer {
  // Limits, timeouts, TLS, PROXY protocol, trusted proxies. The arbiter's preflight checked
  // these settings before binding, so this only throws on a file changed since.
  const edge = createHttpEdge(settings, (level, msg, fields) => log[level](msg, fields), sslContext);
  const server = edge.createServer(listener, options);
  // Node advertises this in `Keep-Alive: timeout=N` and closes idle connections after it;
  // the drain relies on never closing an idle connection earlier than that.
  server.keepAliveTimeout = Math.max(1, settings.keepalive) * 1000;
  // Node's default headersTimeout must exceed keepAliveTimeout, or idle sockets race it.
  if (server.headersTimeout <= server.keepAliveTimeout) server.headersTimeout = server.keepAliveTimeout + 1000;
  return server;
}
