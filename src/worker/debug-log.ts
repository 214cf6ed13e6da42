// What a worker logs at `--log-level debug`, as Gunicorn does there: each request's method
// and path as it arrives, and each connection as it closes. Nothing is attached at any other
// level, so the request path pays for none of it.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { HookLogger } from '../config/hook-types.js';

export function installDebugLog(server: Server, log: HookLogger, loglevel: unknown): void {
  if (loglevel !== 'debug') return;
  // Prepended: the line comes before anything the app logs for the same request.
  server.prependListener('request', (req) => log.debug(`${req.method ?? ''} ${req.url ?? ''}`));
  server.prependListener('connection', (socket: Socket) => {
    const peer = socket.remoteAddress === undefined ? socket.localAddress : `${socket.remoteAddress}:${socket.remotePort}`;
    socket.once('close', () => log.debug('Closing connection.', { peer: peer ?? 'unix' }));
  });
}
