// Turns whatever an APP_MODULE export yields into a Node request listener: a plain
// `(req, res)` function (Express, Connect), a Fastify instance, a Koa app, a NestJS app, an
// http.Server, or an object with `fetch(Request)` (Hono, Web-standard apps). Anything else
// is refused with a message naming what was found.
import { Server, type RequestListener } from 'node:http';
import { AppBootError, NotAnAppError, describeThrown } from '../errors.js';
import { fetchToRequestListener, type FetchHandler } from './fetch-bridge.js';
import { http2ReadyListener } from './express-http2.js';

type Shape = 'nest' | 'fastify' | 'koa' | 'http-server' | 'fetch' | 'listener';

interface Dict { readonly [key: string]: unknown }

function has(value: object, key: string): boolean {
  return typeof (value as Dict)[key] === 'function';
}

/** Which supported kind of app a value is, or null. Order matters: Fastify and Koa objects also have other methods. */
export function appShape(value: unknown): Shape | null {
  if (value instanceof Server) return 'http-server';
  if ((typeof value === 'object' || typeof value === 'function') && value !== null) {
    if (has(value, 'getHttpAdapter') && has(value, 'getHttpServer') && has(value, 'init')) return 'nest';
    if (has(value, 'routing') && has(value, 'ready') && has(value, 'inject')) return 'fastify';
    if (has(value, 'callback') && has(value, 'use') && typeof value === 'object') return 'koa';
    if (has(value, 'fetch')) return 'fetch';
    if (typeof value === 'function') return 'listener';
  }
  return null;
}

export async function toRequestListener(value: unknown, description: string): Promise<RequestListener> {
  const shape = appShape(value);
  switch (shape) {
    case 'listener':
      return http2ReadyListener(value as RequestListener);
    case 'http-server': {
      const server = value as Server;
      return (req, res) => server.emit('request', req, res);
    }
    case 'koa':
      return (value as { callback(): RequestListener }).callback();
    case 'fetch': {
      const app = value as { fetch: FetchHandler };
      return fetchToRequestListener((request, env) => app.fetch(request, env));
    }
    case 'fastify':
      return fastifyListener(value as FastifyLike, description);
    case 'nest':
      return nestListener(value as NestLike, description);
    case null:
      throw new NotAnAppError(`${description} is not an app: found ${describeValue(value)}; expected a request listener ` +
        '(req, res), an object with fetch(request), a Koa app or a Fastify instance');
  }
}

interface FastifyLike {
  ready(): PromiseLike<unknown>;
  routing(req: Parameters<RequestListener>[0], res: Parameters<RequestListener>[1]): void;
}

/** `routing(req, res)` is Fastify's documented entry for requests from a server it did not create; plugins must be ready first. */
async function fastifyListener(app: FastifyLike, description: string): Promise<RequestListener> {
  try {
    await app.ready();
  } catch (err) {
    throw new AppBootError(`${description}: fastify ready() failed: ${describeThrown(err)}`, { cause: err });
  }
  return (req, res) => app.routing(req, res);
}

interface NestLike {
  init(): PromiseLike<unknown>;
  getHttpAdapter(): { getInstance(): unknown };
}

/**
 * A NestJS app (from NestFactory.create) is initialised as its own listen() would (modules,
 * middleware, routes), then served through the platform's instance: an Express app or a
 * Fastify instance, each adapted as above.
 */
async function nestListener(app: NestLike, description: string): Promise<RequestListener> {
  try {
    await app.init();
  } catch (err) {
    throw new AppBootError(`${description}: NestJS init() failed: ${describeThrown(err)}`, { cause: err });
  }
  const platform = app.getHttpAdapter().getInstance();
  return toRequestListener(platform, `${description} (NestJS platform)`);
}

/** "undefined", "a number (3)", "an object with keys [a, b]", "a class Foo instance with keys [...]". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `a function ${value.name || '(anonymous)'}`;
  if (typeof value !== 'object') return `a ${typeof value} (${JSON.stringify(value) ?? String(value)})`;
  const keys = Object.keys(value).slice(0, 12);
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  const kind = ctor && ctor !== 'Object' ? `a ${ctor} instance` : Array.isArray(value) ? 'an array' : 'an object';
  return `${kind} with keys [${keys.join(', ')}]`;
}
