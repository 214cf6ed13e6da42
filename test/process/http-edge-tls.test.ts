// TLS through the real binary, with certificates made by openssl in the test: https with
// --certfile/--keyfile and a real TLS client, client certificates required with
// --cert-reqs 2 --ca-certs, a missing key file stopping startup and --check-config, and
// node:tls, node:https and node:http2 loaded in a worker only when its settings need them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import { FIXTURES, httpGet, runGunicorn, serveApp } from '../helpers/server.js';
import { startEchoServer, type EchoServer } from '../helpers/raw-http.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';

interface Echoed { pid: number; scheme: string; authorized: boolean | null }

/** httpsText's reply, read as the echo app's JSON. */
async function httpsGet(port: number, pki: TestPki, client?: string, path = '/tls'): Promise<{ status: number; body: Echoed }> {
  const { status, body } = await httpsText(port, pki, client, path);
  return { status, body: JSON.parse(body) as Echoed };
}

/** One GET over TLS, trusting the test CA; `client` names a certificate to present. */
function httpsText(port: number, pki: TestPki, client?: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const opts: https.RequestOptions = { host: '127.0.0.1', port, path, agent: false, ca: fs.readFileSync(pki.file('ca.pem')) };
    if (client !== undefined) {
      opts.cert = fs.readFileSync(pki.file(`${client}.pem`));
      opts.key = fs.readFileSync(pki.file(`${client}.key`));
    }
    https.get(opts, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    }).on('error', reject);
  });
}

let pki: TestPki;
before(() => { pki = makeTestPki(); });
after(() => pki.remove());

describe('TLS through the binary', () => {
  const servers: EchoServer[] = [];
  after(async () => { for (const e of servers) await e.server.stop(); });
  const start = async (args: string[]): Promise<EchoServer> => {
    const echo = await startEchoServer(['--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key'), ...args]);
    servers.push(echo);
    return echo;
  };

  test('--certfile/--keyfile: "Listening at: https://", a TLS client gets 200 and the app sees https', async () => {
    const echo = await start([]);
    assert.match(echo.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await httpsGet(echo.port, pki);
    assert.equal(r.status, 200);
    assert.equal(r.body.scheme, 'https');
    assert.equal(r.body.pid, echo.workerPid);
  });

  test('--cert-reqs 2 --ca-certs: a client with a CA-signed certificate is served, one without or with a rogue one is refused', async () => {
    const echo = await start(['--cert-reqs', '2', '--ca-certs', pki.file('ca.pem')]);
    const ok = await httpsGet(echo.port, pki, 'client');
    assert.equal(ok.status, 200);
    assert.equal(ok.body.authorized, true);
    await assert.rejects(httpsGet(echo.port, pki), /certificate|alert|socket hang up|ECONNRESET/i);
    await assert.rejects(httpsGet(echo.port, pki, 'rogue'), /certificate|alert|socket hang up|ECONNRESET/i);
    // Refused handshakes are routine: the same worker still serves.
    assert.equal((await httpsGet(echo.port, pki, 'client')).body.pid, echo.workerPid);
  });

  // Regression: the drain did not see TLS requests as in flight, and closed their connection
  // once it had been open for the keep-alive timeout, response or not.
  test('a TLS request in flight during a graceful stop finishes', async () => {
    const echo = await start(['--keep-alive', '1']);
    const slow = httpsGet(echo.port, pki, undefined, '/tls?delay=2500');
    await new Promise((resolve) => setTimeout(resolve, 300));
    echo.server.signal('SIGTERM');
    const r = await slow;
    assert.equal(r.status, 200);
    assert.equal(r.body.pid, echo.workerPid);
    assert.equal((await echo.server.exited).code, 0);
  });

  test('--cert-reqs 1: a client without a certificate is served, unauthorized', async () => {
    const echo = await start(['--cert-reqs', '1', '--ca-certs', pki.file('ca.pem')]);
    const r = await httpsGet(echo.port, pki);
    assert.equal(r.status, 200);
    assert.equal(r.body.authorized, false);
  });
});

describe('unusable TLS files stop startup', () => {
  const missingKey = (): string[] => ['--certfile', pki.file('server.pem'), '--keyfile', pki.file('missing.key')];

  test('a missing key file: startup fails with exit 1 before binding, naming keyfile and the path', async () => {
    const { code, stderr } = await runGunicorn(['-w', '1', '-b', '127.0.0.1:0', ...missingKey(), 'edge/echo-app.mjs:app']);
    assert.equal(code, 1);
    assert.match(stderr, /keyfile: "\S*missing\.key" from command line: cannot read \S*missing\.key: no such file/);
    assert.doesNotMatch(stderr, /Listening at|^\s+at /m);
  });

  test('--check-config with a missing key file: exit 1 with the same message', async () => {
    const { code, stderr, stdout } = await runGunicorn(['--check-config', ...missingKey(), 'edge/echo-app.mjs:app']);
    assert.equal(code, 1);
    assert.match(stderr + stdout, /keyfile: "\S*missing\.key" from command line: cannot read \S*missing\.key: no such file/);
    assert.doesNotMatch(stderr + stdout, /Config OK/);
  });

  test('--check-config passes with usable files', async () => {
    const { code, stdout } = await runGunicorn(['--check-config', '--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key'), 'edge/echo-app.mjs:app']);
    assert.equal(code, 0);
    assert.match(stdout, /Config OK/);
  });
});

// Issue #17: evaluating node:tls, node:https and node:http2 cost every worker ~50 internal
// modules and a few ms of CPU at start, even one serving plain HTTP/1.x.
describe('what a worker loads of node:tls, node:https and node:http2', () => {
  /** The probe app's answer: which of the three the worker has loaded by its first request. */
  const loadedBy = async (args: string[]): Promise<string> => {
    const { server, url } = await serveApp('apps/builtins-probe.cjs', FIXTURES, args);
    try {
      const reply = url.startsWith('https:') ? await httpsText(Number(new URL(url).port), pki) : await httpGet(url);
      assert.equal(reply.status, 200, server.stderr);
      return reply.body;
    } finally {
      await server.stop();
    }
  };
  const tlsArgs = (): string[] => ['--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key')];

  test('plain HTTP/1.x: none of them', async () => {
    assert.equal(await loadedBy([]), '');
  });

  test('--certfile/--keyfile: tls and https, not http2', async () => {
    assert.equal(await loadedBy(tlsArgs()), 'tls,https');
  });

  test('--http-protocols h2,h1 over TLS: tls and http2', async () => {
    assert.equal(await loadedBy([...tlsArgs(), '--http-protocols', 'h2,h1']), 'tls,http2');
  });
});
