// HTTP/2 through the real binary: curl negotiating h2 by ALPN over TLS with HTTP/1.1 on the
// same port, cleartext prior knowledge from a trusted peer (and HTTP/1.1 for an untrusted
// one), Node's http2 client under load across HUP (GOAWAY drain, 0 failed streams), a
// rapid-reset flood while a normal client is served, and the settings' validation.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';
import { startEchoServer, type EchoServer } from '../helpers/raw-http.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';
import { curl, http2Load, rapidResetProcess } from './http2-support.js';

let pki: TestPki;
before(() => { pki = makeTestPki(); });
after(() => pki.remove());

const tls = (): string[] => ['--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key')];
const httpsUrl = (port: number, path: string): string => `https://localhost:${port}${path}`;
const resolveLocal = (port: number): string[] => ['--resolve', `localhost:${port}:127.0.0.1`, '--cacert', pki.file('ca.pem')];

describe('HTTP/2 through the binary', () => {
  const servers: (EchoServer | ServerProcess)[] = [];
  after(async () => { for (const s of servers) await ('server' in s ? s.server : s).stop(); });
  const start = async (args: string[]): Promise<EchoServer> => {
    const echo = await startEchoServer(['--access-logfile', '-', ...args]);
    servers.push(echo);
    return echo;
  };

  test('--http-protocols h2,h1 over TLS: curl --http2 negotiates h2, curl --http1.1 still works on the same port; the access log says HTTP/2.0', async () => {
    const echo = await start([...tls(), '--http-protocols', 'h2,h1']);
    const h2 = await curl(httpsUrl(echo.port, '/two'), ['--http2', ...resolveLocal(echo.port)]);
    assert.equal(h2.version, '2');
    assert.equal(h2.status, 200);
    const seen = JSON.parse(h2.body) as { pid: number; scheme: string };
    assert.equal(seen.scheme, 'https');
    assert.equal(seen.pid, echo.workerPid);
    const h1 = await curl(httpsUrl(echo.port, '/one'), ['--http1.1', ...resolveLocal(echo.port)]);
    assert.equal(h1.version, '1.1');
    assert.equal(h1.status, 200);
    await echo.server.waitFor('access log lines', () => /"GET \/two HTTP\/2\.0" 200 \d+/.test(echo.server.stdout) && /"GET \/one HTTP\/1\.1" 200/.test(echo.server.stdout));
    assert.match(echo.server.stdout, /^127\.0\.0\.1 .*"GET \/two HTTP\/2\.0" 200 [1-9]\d* /m);
  });

  test('default h1 over TLS: curl --http2 gets HTTP/1.1', async () => {
    const echo = await start(tls());
    const r = await curl(httpsUrl(echo.port, '/'), ['--http2', ...resolveLocal(echo.port)]);
    assert.equal(r.version, '1.1');
    assert.equal(r.status, 200);
  });

  test('--http2-cleartext prior-knowledge: a trusted peer is served HTTP/2, its HTTP/1.1 gets 400; an untrusted setup serves HTTP/1.1', async () => {
    const trusted = await start(['--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge']);
    const h2 = await curl(`${trusted.url}/pk`, ['--http2-prior-knowledge']);
    assert.equal(h2.version, '2');
    assert.equal(h2.status, 200);
    assert.equal((JSON.parse(h2.body) as { scheme: string }).scheme, 'http');
    const h1 = await curl(`${trusted.url}/h1`, ['--http1.1']);
    assert.equal(h1.status, 400);
    assert.match(h1.body, /HTTP\/2 connection preface/);
    // The same worker still serves HTTP/2.
    assert.equal((JSON.parse((await curl(`${trusted.url}/again`, ['--http2-prior-knowledge'])).body) as { pid: number }).pid, trusted.workerPid);

    const untrusted = await start(['--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge', '--forwarded-allow-ips', '192.0.2.1']);
    const plain = await curl(`${untrusted.url}/plain`, ['--http1.1']);
    assert.equal(plain.version, '1.1');
    assert.equal(plain.status, 200);
  });

  test('Node\'s http2 client under load across HUP: 0 failed streams, the new workers serve', async () => {
    const server = startGunicorn(['-w', '2', '-b', '127.0.0.1:0', '--graceful-timeout', '10', ...tls(), '--http-protocols', 'h2,h1', 'edge/echo-app.mjs:app']);
    servers.push(server);
    const [url] = await server.listening();
    const port = Number(new URL(url!).port);
    await server.waitFor('two workers', () => server.bootedPids().length >= 2 || undefined);
    const before = new Set(server.bootedPids());
    const load = http2Load(`https://localhost:${port}`, { ca: fs.readFileSync(pki.file('ca.pem')), host: '127.0.0.1', servername: 'localhost' }, 8);
    await new Promise((r) => setTimeout(r, 500));
    server.signal('SIGHUP');
    await server.waitFor('two new workers', () => server.bootedPids().filter((p) => !before.has(p)).length >= 2 || undefined);
    await new Promise((r) => setTimeout(r, 1000));
    const result = await load.stop();
    assert.deepEqual(result.failed, []);
    assert.ok(result.ok > 0);
    assert.ok([...result.pids].some((p) => !before.has(p)), 'a new worker served streams');
  });

  test('a rapid-reset flood costs the worker nothing: a normal client is served meanwhile, by the same worker', async () => {
    const echo = await start([...tls(), '--http-protocols', 'h2,h1']);
    const connect = { ca: fs.readFileSync(pki.file('ca.pem')), servername: 'localhost' };
    const origin = `https://localhost:${echo.port}`;
    const floods = Promise.all([rapidResetProcess(origin, 20_000), rapidResetProcess(origin, 20_000)]);
    const normal = http2Load(origin, connect, 2);
    const sent = await floods;
    const result = await normal.stop();
    assert.ok(sent.every((n) => n > 0));
    assert.deepEqual(result.failed, []);
    assert.ok(result.ok > 0);
    assert.deepEqual([...result.pids], [echo.workerPid]);
    const after = await curl(httpsUrl(echo.port, '/after'), ['--http2', ...resolveLocal(echo.port)]);
    assert.equal((JSON.parse(after.body) as { pid: number }).pid, echo.workerPid);
  });
});

describe('HTTP/2 settings validation (--check-config and a real start agree)', () => {
  const cases: [string, string[], RegExp][] = [
    ['h2 without TLS or cleartext', ['--http-protocols', 'h2,h1'], /http_protocols: "h2,h1" from command line: h2 needs TLS/],
    ['h3', ['--http-protocols', 'h3,h1'], /http_protocols: .*h3 \(HTTP\/3\) is not supported/],
    ['an unknown protocol', ['--http-protocols', 'spdy'], /http_protocols: .*unknown protocol "spdy"/],
    ['the h2c Upgrade handshake', ['--http-protocols', 'h2,h1', '--http2-cleartext', 'upgrade'], /http2_cleartext: "upgrade" from command line: upgrade .* is not supported/],
    ['a frame size below HTTP/2\'s minimum', ['--http2-max-frame-size', '1000'], /http2_max_frame_size/],
  ];
  for (const [what, args, expected] of cases) {
    test(`${what}: exit 1 naming the setting, in --check-config and at start`, async () => {
      const check = await runGunicorn(['--check-config', ...args, 'edge/echo-app.mjs:app']);
      assert.equal(check.code, 1);
      assert.match(check.stderr + check.stdout, expected);
      const run = await runGunicorn(['-b', '127.0.0.1:0', ...args, 'edge/echo-app.mjs:app']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, expected);
      assert.doesNotMatch(run.stderr, /Listening at|^\s+at /m);
    });
  }
});
