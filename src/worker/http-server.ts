// Creates the worker's HTTP server around the app's request listener. The server never
// listens itself: the connection gate accepts on the inherited sockets and hands connections
// over. Request limits, TLS and the PROXY protocol plug in here.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { WorkerSettings } from './worker-settings.js';

/** Whether the server offers keep-alive at all: Gunicorn's `keepalive 0` and the sync class close after each response. */
export function keepsAlive(settings: WorkerSettings): boolean {
  return settings.keepalive > 0 && settings.workerClass === 'async';
}

export function createHttpServer(settings: WorkerSettings, listener: RequestListener): Server {
  const server = createServer(listener);
  // Node advertises this in `Keep-Alive: timeout=N` and closes idle connections after it;
  // the drain relies on never closing an idle connection earlier than that.
  server.keepAliveTimeout = Math.max(1, settings.keepalive) * 1000;
  // Node's default headersTimeout must exceed keepAliveTimeout, or idle sockets race it.
  if (server.headersTimeout <= server.keepAliveTimeout) server.headersTimeout = server.keepAliveTimeout + 1000;
  return server;
}
