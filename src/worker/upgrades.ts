// Upgrades (WebSocket) and CONNECT requests. The worker's http.Server owns every connection,
// so these events reach the app through the server the app owns: an exported http.Server
// (`http.createServer(app)` that never listens; `ws`'s `{ server }`, @hono/node-server's
// createAdaptorServer), a Fastify instance's `server` (what @fastify/websocket listens on), a
// NestJS app's getHttpServer(). An event is forwarded only when that server listens for it
// once the app is ready: without a listener Node hands an Upgrade request to the request
// handler as plain HTTP, which is what an app without WebSockets expects.
import { Server as NetServer } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';

/** The events forwarded, in Node's http.Server terms. */
export const FORWARDED_EVENTS = ['upgrade', 'connect'] as const;
export type ForwardedEvent = (typeof FORWARDED_EVENTS)[number];

/** The server an app value owns, or null. */
export function appServerOf(value: unknown): NetServer | null {
  if (value instanceof NetServer) return value;
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return null;
  // Fastify's instance.server (a plain property); any other app keeping its server there.
  const server: unknown = Reflect.get(value, 'server');
  if (server instanceof NetServer) return server;
  const getHttpServer: unknown = Reflect.get(value, 'getHttpServer');
  if (typeof getHttpServer === 'function') {
    try {
      const nest: unknown = getHttpServer.call(value);
      if (nest instanceof NetServer) return nest;
    } catch {
      // not a NestJS app after all
    }
  }
  return null;
}

export interface UpgradeTracking {
  /** Marks the connection as no longer HTTP (the drain leaves it to the app). */
  upgraded(socket: object): void;
  /** True once the worker drains: new upgrades are refused so clients reconnect elsewhere. */
  readonly draining: boolean;
}

/** Forwards the events `appServer` listens for from the worker's server; returns their names. */
export function forwardUpgrades(worker: EventEmitter, appServer: NetServer | null, tracking: UpgradeTracking): ForwardedEvent[] {
  if (appServer === null || appServer === worker) return [];
  const forwarded = FORWARDED_EVENTS.filter((event) => appServer.listenerCount(event) > 0);
  for (const event of forwarded) {
    worker.on(event, (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (tracking.draining) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      tracking.upgraded(socket);
      appServer.emit(event, req, socket, head);
    });
  }
  return forwarded;
}
