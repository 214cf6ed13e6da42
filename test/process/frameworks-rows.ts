// The framework compatibility matrix: one row per tested app shape, each a fixture written
// as the framework's own documentation writes it (test/fixtures/frameworks/). The process
// test serves each row through the binary; a unit test checks docs/frameworks.md shows
// every fixture exactly as tested.
import { fileURLToPath } from 'node:url';

export const FRAMEWORK_FIXTURES = fileURLToPath(new URL('../../../test/fixtures/frameworks/', import.meta.url));

export interface MatrixRow {
  readonly framework: string;
  /** How the app is handed over, in the docs' words. */
  readonly shape: string;
  readonly format: 'ESM' | 'CommonJS' | 'TypeScript';
  /** The files shown for this row, relative to the fixtures folder; the first is APP_MODULE's file. */
  readonly files: readonly string[];
  /** APP_MODULE as given on the command line. */
  readonly appModule: string;
  /** What GET / answers. */
  readonly body: string;
  /** The fixture calls listen() at import: the worker warns and serves that server instead. */
  readonly listensAt?: string;
}

const HELLO = 'Hello World!';
const FASTIFY = '{"hello":"world"}';
const NEST_FILES = ['nest/app.module.ts', 'nest/app.controller.ts', 'nest/app.service.ts'];

export const MATRIX: readonly MatrixRow[] = [
  { framework: 'Express 5', shape: 'named export `app`', format: 'ESM', files: ['express-named.mjs'], appModule: 'express-named.mjs:app', body: HELLO },
  { framework: 'Express 5', shape: 'default export', format: 'TypeScript', files: ['express-default.ts'], appModule: 'express-default.ts', body: HELLO },
  { framework: 'Express 5', shape: '`module.exports = app`', format: 'CommonJS', files: ['express-cjs.cjs'], appModule: 'express-cjs.cjs', body: HELLO },
  { framework: 'Fastify 5', shape: 'default export', format: 'ESM', files: ['fastify-default.mjs'], appModule: 'fastify-default.mjs', body: FASTIFY },
  { framework: 'Fastify 5', shape: 'default export', format: 'TypeScript', files: ['fastify-default.ts'], appModule: 'fastify-default.ts', body: FASTIFY },
  { framework: 'Fastify 5', shape: '`module.exports = fastify`', format: 'CommonJS', files: ['fastify-cjs.cjs'], appModule: 'fastify-cjs.cjs', body: FASTIFY },
  { framework: 'Fastify 5', shape: 'named export `app`', format: 'TypeScript', files: ['fastify-named.ts'], appModule: 'fastify-named.ts:app', body: FASTIFY },
  { framework: 'Fastify 5', shape: 'factory `build()`', format: 'TypeScript', files: ['fastify-factory.ts'], appModule: 'fastify-factory.ts:build()', body: FASTIFY },
  { framework: 'Koa 3', shape: 'default export', format: 'ESM', files: ['koa.mjs'], appModule: 'koa.mjs', body: 'Hello World' },
  { framework: 'Koa 3', shape: '`module.exports = app`', format: 'CommonJS', files: ['koa-cjs.cjs'], appModule: 'koa-cjs.cjs', body: 'Hello World' },
  { framework: 'Koa 3', shape: 'named export `app`', format: 'TypeScript', files: ['koa.ts'], appModule: 'koa.ts', body: 'Hello World' },
  { framework: 'Hono 4', shape: "`serve(app)` of `@hono/node-server`", format: 'TypeScript', files: ['hono-serve.ts'], appModule: 'hono-serve.ts', body: 'Hello Node.js!', listensAt: 'port 3000' },
  { framework: 'Hono 4', shape: "`serve({ fetch, port })` of `@hono/node-server`", format: 'CommonJS', files: ['hono-cjs.cjs'], appModule: 'hono-cjs.cjs', body: 'Hello Node.js!', listensAt: 'port 3000' },
  { framework: 'Hono 4', shape: 'default export', format: 'ESM', files: ['hono-default.mjs'], appModule: 'hono-default.mjs', body: 'Hello Node.js!' },
  { framework: 'NestJS 11 (Express platform)', shape: 'factory returning the app of `NestFactory.create`', format: 'TypeScript', files: ['nest/main.ts', ...NEST_FILES], appModule: 'nest/main.ts:bootstrap()', body: HELLO },
  { framework: 'NestJS 11 (Fastify platform)', shape: 'default export of the app of `NestFactory.create`', format: 'TypeScript', files: ['nest/main-fastify.ts', ...NEST_FILES], appModule: 'nest/main-fastify.ts', body: HELLO },
  { framework: 'Node `http` listener', shape: '`module.exports = (req, res) => …`', format: 'CommonJS', files: ['listener.cjs'], appModule: 'listener.cjs', body: 'hello world\n' },
  { framework: 'Node `http` listener', shape: 'default export', format: 'TypeScript', files: ['listener.ts'], appModule: 'listener.ts', body: 'hello world\n' },
  { framework: 'Node `http` listener', shape: '`createServer(…).listen(3000)`', format: 'ESM', files: ['listener-server.mjs'], appModule: 'listener-server.mjs', body: 'Hello World!\n', listensAt: '127.0.0.1 port 3000' },
  { framework: 'Web `fetch` handler', shape: 'default export `{ fetch }`', format: 'ESM', files: ['fetch.mjs'], appModule: 'fetch.mjs', body: 'Hello from a fetch handler' },
  { framework: 'Web `fetch` handler', shape: 'default export `{ fetch }`', format: 'TypeScript', files: ['fetch.ts'], appModule: 'fetch.ts', body: '{"path":"/"}' },
];
