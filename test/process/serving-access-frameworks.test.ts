// The access log's byte counts and `{Header}o` atoms for apps written the way each framework's
// docs write them: Express 5 (which swaps every response's prototype for its own), Fastify 5
// and @hono/node-server (which write their heads with writeHead(status, headers)), Koa 3 and a
// plain listener. Node's http client reads each body; the log must agree with what it got.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startGunicorn, type ServerProcess } from '../helpers/server.js';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

const FORMAT = 'ACCESS|%(U)s|%(s)s|%(b)s|%(B)s|%({x-app}o)s|%({content-type}o)s';

interface Got { readonly bytes: number; readonly chunked: boolean; readonly body: string }

function get(url: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d)).on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ bytes: body.length, chunked: res.headers['transfer-encoding'] === 'chunked', body: body.toString() });
      });
    }).on('error', reject);
  });
}

const APPS = [
  { name: 'express', app: 'serving/express-app.ts' },
  { name: 'fastify', app: 'serving/fastify-app.ts:build()' },
  { name: 'koa', app: 'serving/koa-app.ts' },
  { name: 'hono', app: 'serving/hono-node-server.ts' },
  { name: 'plain', app: 'serving/plain-app.mjs' },
] as const;

describe('access log bytes and response headers for every framework', () => {
  for (const { name, app } of APPS) {
    it(`${name}: b, B and {x-app}o match what the client received, fixed and streamed`, async () => {
      const server = startGunicorn(['-b', '127.0.0.1:0', '--access-logfile', '-', '--access-logformat', FORMAT, app]);
      servers.push(server);
      await server.waitFor('a booted worker', () => server.bootedPids().length >= 1, 30_000);
      const [url] = await server.listening();
      const fixed = await get(`${url}/fixed`);
      const streamed = await get(`${url}/stream`);
      assert.equal(fixed.body, `fixed body from ${name}`);
      assert.equal(streamed.body, 'one,two,three');
      assert.ok(streamed.chunked, 'the streamed body went out chunked');
      const lines = await server.waitFor('two access lines', () => {
        const found = server.stdout.split('\n').filter((l) => l.startsWith('ACCESS|'));
        return found.length >= 2 ? found : undefined;
      });
      const byPath = new Map(lines.map((l) => [l.split('|')[1], l.split('|').slice(2)]));
      assert.deepEqual(byPath.get('/fixed'), ['200', String(fixed.bytes), String(fixed.bytes), name, byPath.get('/fixed')?.[4]]);
      assert.match(byPath.get('/fixed')?.[4] ?? '', /^text\/plain/);
      assert.deepEqual(byPath.get('/stream')?.slice(0, 4), ['200', '13', '13', name]);
      assert.match(byPath.get('/stream')?.[4] ?? '', /^text\/plain/);
      await server.stop();
    });
  }
});

function post(url: string, type: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': type } }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject).end(body);
  });
}

describe('the access log shows the request target the client sent', () => {
  it('Express strips a mounted router\'s or sub-app\'s path from req.url while routing: r, U and q keep it, as Gunicorn logs the request line', async () => {
    const format = 'ACCESS|%(r)s|%(U)s|%(q)s|%(s)s';
    const server = startGunicorn(['-b', '127.0.0.1:0', '--access-logfile', '-', '--access-logformat', format, 'serving/express-body.mjs']);
    servers.push(server);
    await server.waitFor('a booted worker', () => server.bootedPids().length >= 1, 30_000);
    const [url] = await server.listening();
    assert.equal(await post(`${url}/api/echo?x=1`, 'application/json', '{"a":1}'), 200);
    assert.equal(await post(`${url}/admin/note`, 'text/plain', 'hi'), 201);
    const lines = await server.waitFor('two access lines', () => {
      const found = server.stdout.split('\n').filter((l) => l.startsWith('ACCESS|'));
      return found.length >= 2 ? found : undefined;
    });
    assert.deepEqual([...lines].sort(), [
      'ACCESS|POST /admin/note HTTP/1.1|/admin/note|-|201',
      'ACCESS|POST /api/echo?x=1 HTTP/1.1|/api/echo|x=1|200',
    ]);
    await server.stop();
  });
});
