// APP_MODULE through the real binary: each adapter with its real framework, a TypeScript app
// with no build step, a factory call with literal arguments, a package name, --chdir,
// -e KEY=VALUE, --pythonpath, and --preload failing fast with exit 3 or 4.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { FIXTURES, runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

function get(url: string, method = 'GET', body?: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts the binary on a free port with one worker, returns its base URL; stopped in `after`. */
async function serve(args: readonly string[], cwd = FIXTURES): Promise<{ server: ServerProcess; url: string }> {
  const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', ...args], { cwd });
  servers.push(server);
  const [url] = await server.listening();
  await server.waitForLog(/^Booting worker with pid: /);
  return { server, url: url! };
}

describe('apps through the binary', () => {
  it('serves Express (request listener, named export)', async () => {
    const { server, url } = await serve(['apps/express-app.ts:app']);
    try {
      assert.deepEqual(await get(`${url}/`).then((r) => [r.status, r.body]), [200, 'hello from express']);
      assert.equal((await get(`${url}/items/42`)).body, '{"id":"42"}');
    } finally {
      await server.stop();
    }
  });

  it('serves Hono (fetch handler, default export) with a request body', async () => {
    const { server, url } = await serve(['apps/hono-app.ts']);
    try {
      assert.equal((await get(`${url}/`)).body, 'hello from hono');
      assert.equal((await get(`${url}/echo`, 'POST', 'ping')).body, 'echo:ping');
    } finally {
      await server.stop();
    }
  });

  it('serves Koa (the `application` export is found without a name)', async () => {
    const { server, url } = await serve(['apps/koa-app.ts']);
    try {
      assert.equal((await get(`${url}/k`)).body, 'hello from koa /k');
    } finally {
      await server.stop();
    }
  });

  it("serves Fastify from an async factory call build('hi', 2)", async () => {
    const { server, url } = await serve(["apps/fastify-app.ts:build('hi', 2)"]);
    try {
      const res = await get(`${url}/`);
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { message: 'hi hi' });
    } finally {
      await server.stop();
    }
  });

  it("calls a TypeScript factory create('x', 2) with no build step, with -e and --chdir applied first", async () => {
    const { server, url } = await serve(['--chdir', join(FIXTURES, 'workers'), '-e', 'GTS_APP_VAR=from-e', "factory-app.ts:create('x', 2)"], '/');
    try {
      assert.equal((await get(`${url}/`)).body, `xx env=from-e cwd=${join(FIXTURES, 'workers')}`);
    } finally {
      await server.stop();
    }
  });

  it('loads an app by package name', async () => {
    const { server, url } = await serve(['--chdir', join(FIXTURES, 'workers'), 'gts-fixture-app']);
    try {
      assert.equal((await get(`${url}/`)).body, 'hello from a package');
    } finally {
      await server.stop();
    }
  });

  it('finds an app module in a --pythonpath directory', async () => {
    const { server, url } = await serve(['--pythonpath', 'workers/libdir', 'lib-app:app']);
    try {
      assert.equal((await get(`${url}/`)).body, 'hello from the pythonpath');
    } finally {
      await server.stop();
    }
  });

  it('without --pythonpath the same module is not found: the preflight stops the start with exit 1', async () => {
    const { code, stderr } = await runGunicorn(['-w', '1', '-b', '127.0.0.1:0', 'lib-app:app']);
    assert.equal(code, 1);
    assert.doesNotMatch(stderr, /Listening at/);
    assert.match(stderr, /cannot find app module \\?"lib-app\\?"/);
  });

  it('--preload: an app that throws while loading stops the arbiter with exit 3, its message, line and stack, before any worker', async () => {
    const { code, stderr } = await runGunicorn(['--preload', '-w', '2', '-b', '127.0.0.1:0', 'apps/throws-on-load.ts']);
    assert.equal(code, 3);
    assert.match(stderr, /Worker failed to boot: .*database unreachable at import time \(at .*apps\/throws-on-load\.ts:2:\d+\)/);
    assert.match(stderr, /\nError: database unreachable at import time\n\s+at .*apps\/throws-on-load\.ts:2:\d+/, 'the app\'s stack');
    assert.doesNotMatch(stderr, /Booting worker/);
    assert.doesNotMatch(stderr, /dist\/src\//, 'no gunicorn-ts frames');
  });

  it('--preload: a missing module stops the start in the preflight (exit 1), before binding', async () => {
    const { code, stderr } = await runGunicorn(['--preload', '-b', '127.0.0.1:0', 'apps/no-such-app.ts:app']);
    assert.equal(code, 1);
    assert.match(stderr, /app: .*cannot find app module .*no-such-app\.ts/);
    assert.doesNotMatch(stderr, /Listening at/);
  });

  it('--preload with a good app serves from the workers', async () => {
    const { server, url } = await serve(['--preload', 'apps/express-app.ts:app']);
    try {
      assert.equal((await get(`${url}/`)).body, 'hello from express');
    } finally {
      await server.stop();
    }
  });
});
