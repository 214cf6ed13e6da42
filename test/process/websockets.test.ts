// WebSockets through the real binary with the real `ws` client: echo through a plain listener
// app with `ws` (also over TLS, wss://), @fastify/websocket, @hono/node-ws and a NestJS gateway
// with @nestjs/platform-ws, each written as its docs write it; an
// Upgrade request to an app without WebSockets still reaches it as plain HTTP; CONNECT reaches
// the exported server's connect listener; a draining worker refuses new upgrades; a client on a
// retiring worker gets a close frame (1001 from the app's onDrain listener), never a reset,
// whether the worker retires for a HUP, for max_requests or when the old master leaves after USR2.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect as connectTcp } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';
import { get, readText, servedBy, Tracked, waitUntil, workersOf } from './arbiter-support.js';
import { closeClients, connect, wsUrl } from './websockets-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-websockets-');
let pki: TestPki;
before(() => { pki = makeTestPki(); });
after(async () => {
  closeClients();
  await tracked.cleanup();
  tmp.remove();
  pki.remove();
});

const LISTENER = 'websockets/ws-listener.ts';

async function start(args: readonly string[]): Promise<{ server: ReturnType<Tracked['start']>; url: string }> {
  const server = tracked.start(['-b', '127.0.0.1:0', ...args]);
  const [url] = await server.listening();
  await server.waitFor('a booted worker', () => server.bootedPids().length >= 1, 30_000);
  return { server, url: url! };
}

describe('WebSockets', () => {
  it('echo through a plain listener app with ws', async () => {
    const { url } = await start(['-w', '1', LISTENER]);
    const client = await connect(wsUrl(url));
    assert.match(await client.next(), /^hello from pid=\d+$/);
    client.ws.send('ping');
    assert.equal(await client.next(), 'echo:ping');
    // The same server still answers plain HTTP.
    assert.match((await get(url)).body, /^pid=\d+$/);
    client.ws.close(1000);
    assert.equal((await client.closed).code, 1000);
  });

  it('echo over TLS (wss://) through a plain listener app with ws, with --certfile/--keyfile', async () => {
    const { url } = await start(['-w', '1', '--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key'), LISTENER]);
    assert.match(url, /^https:/);
    const client = await connect(wsUrl(url), { ca: readFileSync(pki.file('ca.pem')) });
    assert.match(await client.next(), /^hello from pid=\d+$/);
    client.ws.send('over tls');
    assert.equal(await client.next(), 'echo:over tls');
    client.ws.close(1000);
    assert.equal((await client.closed).code, 1000);
  });

  it('echo through a NestJS gateway with WsAdapter (@nestjs/platform-ws); TERM sends 1001 from onDrain', async () => {
    const { server, url } = await start(['-w', '1', 'websockets/nest-ws/main.ts:bootstrap()']);
    const client = await connect(wsUrl(url));
    client.ws.send(JSON.stringify({ event: 'events', data: 'from nest' }));
    assert.deepEqual(JSON.parse(await client.next()), { event: 'events', data: 'from nest' });
    server.signal('SIGTERM');
    assert.deepEqual(await client.closed, { code: 1001, reason: 'worker restarting', error: null });
    assert.equal((await server.exited).code, 0);
  });

  it('echo through @fastify/websocket; TERM closes the socket with a close frame', async () => {
    const { server, url } = await start(['-w', '1', 'websockets/fastify-ws.ts:app']);
    const client = await connect(wsUrl(url, '/ws'));
    client.ws.send('from fastify');
    assert.equal(await client.next(), 'echo:from fastify');
    server.signal('SIGTERM');
    // Fastify's close() (run as the worker stops) closes its WebSocket clients.
    const closed = await client.closed;
    assert.notEqual(closed.code, 1006, `a close frame, not a reset (${JSON.stringify(closed)})`);
    assert.equal((await server.exited).code, 0);
  });

  for (const app of ['websockets/hono-node-ws.ts', 'websockets/hono-node-server-ws.ts']) {
    it(`echo through ${app.includes('node-ws') ? '@hono/node-ws' : "@hono/node-server's own upgradeWebSocket"}`, async () => {
      const { url } = await start(['-w', '1', app]);
      const client = await connect(wsUrl(url, '/ws'));
      client.ws.send('from hono');
      assert.equal(await client.next(), 'echo:from hono');
      client.ws.close(1000);
      assert.equal((await client.closed).code, 1000);
    });
  }

  it('an Upgrade request to an app without WebSockets reaches it as plain HTTP', async () => {
    const { url } = await start(['-w', '1', 'serving/plain-app.mjs']);
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${url}/fixed`, { agent: false, headers: { connection: 'upgrade', upgrade: 'websocket' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    assert.equal(status, 200);
  });

  it('a CONNECT request reaches the connect listener of the server the app exports', async () => {
    const { url } = await start(['-w', '1', 'websockets/connect-proxy.mjs']);
    const { port } = new URL(url);
    const tunnel = await new Promise<{ head: string; echoed: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'CONNECT', path: 'example.test:443', agent: false });
      req.on('connect', (res, socket) => {
        socket.setEncoding('utf8');
        socket.write('through the tunnel');
        socket.once('data', (echoed: string) => {
          socket.destroy();
          resolve({ head: `${res.statusCode} ${String(res.headers['x-target'])}`, echoed });
        });
      });
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(tunnel, { head: '200 example.test:443', echoed: 'THROUGH THE TUNNEL' });
  });

  it('a client on a worker retired by HUP gets 1001 Going Away', async () => {
    const { server, url } = await start(['-w', '1', '--graceful-timeout', '10', LISTENER]);
    const [old] = await workersOf(server.pid, 1);
    const client = await connect(wsUrl(url));
    assert.equal(await client.next(), `hello from pid=${old}`);
    server.signal('SIGHUP');
    const closed = await client.closed;
    assert.deepEqual(closed, { code: 1001, reason: 'worker restarting', error: null });
    const replacement = await waitUntil('the replacement worker alone', async () => {
      const [pid] = await workersOf(server.pid, 1);
      return pid !== old ? pid : undefined;
    });
    const again = await connect(wsUrl(url));
    assert.equal(await again.next(), `hello from pid=${replacement}`);
  });

  it('a draining worker refuses a new upgrade on a kept-alive connection with 503', async () => {
    const { server, url } = await start(['-w', '1', '--keep-alive', '30', LISTENER]);
    const { port } = new URL(url);
    const socket = connectTcp(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1').on('data', (d: string) => { received += d; });
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitUntil('the first response', () => received.includes('pid='));
    const client = await connect(wsUrl(url));
    server.signal('SIGHUP');
    // The 1001 comes from the app's onDrain listener: the worker is draining now.
    assert.equal((await client.closed).code, 1001);
    received = '';
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    assert.match(received, /^HTTP\/1\.1 503 Service Unavailable\r\nConnection: close\r\n/);
  });

  it('a client on a worker recycled by max_requests gets 1001 Going Away', async () => {
    const { server, url } = await start(['-w', '1', '--max-requests', '3', LISTENER]);
    const [old] = await workersOf(server.pid, 1);
    const client = await connect(wsUrl(url));
    assert.equal(await client.next(), `hello from pid=${old}`);
    // The upgrade is not a request; three plain requests make the worker tired.
    for (let i = 0; i < 3; i++) assert.equal(servedBy(await get(url)), old);
    assert.deepEqual(await client.closed, { code: 1001, reason: 'worker restarting', error: null });
    await waitUntil('the replacement worker', async () => (await workersOf(server.pid, 1))[0] !== old);
  });

  it('a client on the old master\'s worker gets 1001 Going Away when the old master leaves after USR2', async () => {
    const pidfile = join(tmp.path, 'usr2.pid');
    const { server, url } = await start(['-w', '1', '-p', pidfile, LISTENER]);
    const [old] = await workersOf(server.pid, 1);
    const client = await connect(wsUrl(url));
    assert.equal(await client.next(), `hello from pid=${old}`);
    server.signal('SIGUSR2');
    const newMaster = await waitUntil('the new master to write the pidfile', () => {
      const pid = Number(readText(pidfile).trim());
      return pid > 0 && pid !== server.pid ? pid : undefined;
    });
    tracked.pid(newMaster);
    await workersOf(newMaster, 1, 30_000);
    server.signal('SIGTERM');
    assert.deepEqual(await client.closed, { code: 1001, reason: 'worker restarting', error: null });
    assert.equal((await server.exited).code, 0);
  });
});
