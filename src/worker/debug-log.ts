// What a worker logs at `--log-level debug`, as Gunicorn does there: each request's method
// and path as it arrives, and each connection as it closes. Nothing is attached at any other
// level, so the request path pays for none of it.
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { HookLogger } from '../config/hook-types.js';

/** `server`: the worker's HTTP server (http, https or http2 with its compatibility API). */
export function installDebugLog(server: EventEmitter, log: HookLogger, loglevel: unknown): void {
  if (loglevel !== 'debug') return;
  // Prepended: the line comes before anything the app logs for the same request.
  server.prependListener('request', (req: IncomingMessage) => log.debug(`${req.method ?? ''} ${req.url ?? ''}`));
  server.prependListener('connection', (socket: Socket) => {
    const peer = socket.remoteAddress === undefined ? socket.localAddress : `${socket.remoteAddress}:${socket.remotePort}`;
    socket.once('close', () => log.debug('Closing connection.', { peer: peer ?? 'unix' }));
  });
}
