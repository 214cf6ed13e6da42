// Adapters and loadApp with real frameworks: each fixture app is loaded through loadApp
// (jiti for TypeScript, Node's loader for JavaScript), served by a real http.Server on port 0,
// and called with fetch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadApp } from '../../src/app/load-app.js';
import { toRequestListener } from '../../src/app/adapters/index.js';
import { AppBootError, AppNotFoundError, NotAnAppError } from '../../src/app/errors.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/apps/', import.meta.url));
const opts = { cwd: FIXTURES, modulePaths: [] as string[] };

async function serve(listener: RequestListener): Promise<{ url: string; server: Server }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('adapters with real frameworks', () => {
  const servers: Server[] = [];
  async function start(ref: string): Promise<string> {
    const { url, server } = await serve(await loadApp(ref, opts));
    servers.push(server);
    return url;
  }
  after(async () => { await Promise.all(servers.map(closeServer)); });

  it('serves an Express app (request listener, named export)', async () => {
    const url = await start('express-app.ts:app');
    assert.equal(await (await fetch(url)).text(), 'hello from express');
    assert.deepEqual(await (await fetch(`${url}/items/42`)).json(), { id: '42' });
  });

  it('serves a Hono app (fetch handler, default export) with bodies, cookies and streams', async () => {
    const url = await start('./hono-app');
    assert.equal(await (await fetch(url)).text(), 'hello from hono');
    const echo = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal(await echo.text(), `echo:${'x'.repeat(100_000)}`);
    const cookies = await fetch(`${url}/cookies`);
    assert.deepEqual(cookies.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.equal(await (await fetch(`${url}/stream`)).text(), 'chunk0;chunk1;chunk2;');
    const boom = await fetch(`${url}/boom`);
    assert.equal(boom.status, 500);
  });

  it('serves a Koa app found as `application`', async () => {
    const url = await start('koa-app');
    assert.equal(await (await fetch(`${url}/k`)).text(), 'hello from koa /k');
  });

  it('serves a Fastify instance from an async factory with literal arguments', async () => {
    const url = await start("fastify-app.ts:build('hi', 2)");
    assert.deepEqual(await (await fetch(url)).json(), { message: 'hi hi' });
    const posted = await fetch(`${url}/json`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    assert.deepEqual(await posted.json(), { got: { a: 1 } });
  });

  it('a Fastify instance that is the module itself (`export =`, a thenable) is the app, not a module of exports', async () => {
    const url = await start('fastify-export-eq.cts');
    assert.deepEqual(await (await fetch(url)).json(), { from: 'export =' });
  });

  it('serves a plain handler (default export) and a factory called with literals', async () => {
    const plain = await start('plain-handler.js');
    assert.equal(await (await fetch(`${plain}/p?q=1`)).text(), 'plain GET /p?q=1');
    const made = await start("plain-handler:make('pre', 7, true, null)");
    assert.deepEqual(await (await fetch(made)).json(), ['pre', 7, true, null]);
  });

  it('follows a dotted NAME and a CommonJS module exporting `app`', async () => {
    assert.equal(await (await fetch(await start('plain-handler.js:nested.inner'))).text(), 'plain GET /');
    assert.equal(await (await fetch(await start('cjs-app.cjs'))).text(), 'cjs app');
  });

  it('resolves a package name from the module paths', async () => {
    const listener = await loadApp('express:default()', { cwd: FIXTURES, modulePaths: [fileURLToPath(new URL('../../../', import.meta.url))] });
    assert.equal(typeof listener, 'function');
  });
});

describe('loadApp errors', () => {
  const fails = async (ref: string, type: new (...a: never[]) => Error, message: RegExp): Promise<void> => {
    await assert.rejects(loadApp(ref, opts), (err: unknown) => {
      assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
      assert.match((err as Error).message, message);
      return true;
    });
  };

  it('a missing module is AppNotFoundError (exit 4) saying where it looked', () =>
    fails('no-such-app.ts', AppNotFoundError, /cannot find app module "no-such-app.ts" \(looked in .*apps/));
  it('a missing export lists the exports found', () =>
    fails('plain-handler.js:nope', AppNotFoundError, /does not export "nope"; it exports: .*default.*make/));
  it('a module with none of the default names says so', () =>
    fails('fastify-app.ts', AppNotFoundError, /none of the exports default, app, application; it exports: build/));
  it('something that is not an app names what it is', () =>
    fails('plain-handler.js:notAnApp', NotAnAppError, /is not an app: found an object with keys \[port, name\]/));
  it('a module that throws at load is AppBootError (exit 3) with its message', () =>
    fails('throws-on-load.ts', AppBootError, /database unreachable at import time/));
  it('a syntax error is AppBootError with file:line', () =>
    fails('syntax-error.ts', AppBootError, /syntax-error\.ts:3:\d+/));
  it('a factory that throws is AppBootError', () =>
    fails('plain-handler.js:failingFactory()', AppBootError, /factory exploded/));
  it('calling a non-function is AppNotFoundError', () =>
    fails('plain-handler.js:notAnApp()', AppNotFoundError, /cannot be called as a factory/));
  it('a malformed APP_MODULE is refused before loading', () =>
    fails('plain-handler.js:make(evil())', Error, /invalid APP_MODULE/));
});

describe('toRequestListener', () => {
  let url = '';
  let server: Server | null = null;
  before(async () => {
    const listener = await toRequestListener({ fetch: (req: Request) => new Response(`${req.method} ${new URL(req.url).pathname}`) }, 'inline');
    ({ url, server } = await serve(listener));
  });
  after(async () => { if (server) await closeServer(server); });

  it('adapts any object with fetch(Request)', async () => {
    assert.equal(await (await fetch(`${url}/x`)).text(), 'GET /x');
    assert.equal((await fetch(`${url}/x`, { method: 'HEAD' })).status, 200);
  });
  it('refuses primitives and plain objects, naming them', async () => {
    await assert.rejects(toRequestListener(42, 'm:n'), /m:n is not an app: found a number \(42\)/);
    await assert.rejects(toRequestListener(undefined, 'm:n'), /found undefined/);
  });
});
