// Gunicorn 26's hardening through the real binary, with raw requests: ambiguous routing and
// framing fields refused with 400 and Connection: close, header_map and forwarder_headers,
// the final response before extra bytes on a closing connection delivered, and the trust
// settings (proxy_protocol modes, the old boolean, FORWARDED_ALLOW_IPS, ::1 trusted by
// default, contradictory scheme headers).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { bodyOf, exchange, startEchoServer, statusOf, type EchoServer } from '../helpers/raw-http.js';
import { runGunicorn, startGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

interface Echoed { headers: Record<string, string>; scheme: string; client: string; pid: number }
const echoed = (resp: string): Echoed => JSON.parse(bodyOf(resp)) as Echoed;
const statuses = (resp: string): number[] => [...resp.matchAll(/(?:^|\r\n)HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

function assertRefused(resp: string, reason: RegExp): void {
  assert.equal(statusOf(resp), 400, resp.slice(0, 120));
  assert.match(resp, /\r\nConnection: close\r\n/i);
  assert.match(bodyOf(resp), reason);
}

describe('ambiguous or invalid routing and framing fields: 400 and close, before the app', () => {
  let echo: EchoServer;
  before(async () => { echo = await startEchoServer([]); });
  after(() => echo?.server.stop());
  const send = (bytes: string): Promise<string> => exchange(echo.port, bytes);

  test('two Host fields', async () => {
    assertRefused(await send('GET / HTTP/1.1\r\nHost: good\r\nHost: evil\r\n\r\n'), /more than one Host/);
  });
  test('a Host with userinfo, a space or another character RFC 3986 excludes', async () => {
    for (const host of ['evil@good', 'a b', 'good/evil', 'x"y']) {
      assertRefused(await send(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`), /invalid Host/);
    }
  });
  test('valid Hosts still pass: name:port, IPv4, [IPv6]:port, sub-delims', async () => {
    for (const host of ['example.com:8080', '192.0.2.1', '[::1]:8000', '0.0.0.0=5000']) {
      assert.equal(echoed(await send(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)).headers.host, host);
    }
  });
  test('two Content-Type fields', async () => {
    assertRefused(await send('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: a/b\r\nContent-Type: c/d\r\nContent-Length: 0\r\n\r\n'), /more than one Content-Type/);
  });
  test('asterisk-form for GET is refused; OPTIONS * reaches the app', async () => {
    assertRefused(await send('GET * HTTP/1.1\r\nHost: x\r\n\r\n'), /asterisk-form/);
    assert.equal(statusOf(await send('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')), 200);
  });
  test('Transfer-Encoding in an HTTP/1.0 request', async () => {
    assertRefused(await send('POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'), /HTTP\/1\.0/);
  });
  test('a forbidden trailer field (Host, Content-Length, Transfer-Encoding): 400, the app never sees the body end', async () => {
    // Node's parser itself refuses Content-Length and Transfer-Encoding in trailers; the edge the rest.
    for (const [field, reason] of [['Host: evil', /Host is not allowed in trailers/], ['Authorization: x', /not allowed in trailers/],
      ['Trailer: y', /not allowed in trailers/], ['Content-Length: 99', /HPE_/], ['Transfer-Encoding: chunked', /HPE_/]] as const) {
      const resp = await send(`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n${field}\r\n\r\n`);
      assertRefused(resp, reason);
      assert.deepEqual(statuses(resp), [400]);
    }
  });
  test('an allowed trailer (Content-Type, as Gunicorn allows) still completes the request', async () => {
    const resp = await send('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\nContent-Type: text/plain\r\n\r\n');
    assert.equal(statusOf(resp), 200);
  });
  test('an absolute-form target wins over Host: the app sees its authority (without userinfo) as Host', async () => {
    const resp = await send('GET http://user:pw@example.com:8080/x HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n');
    assert.equal(echoed(resp).headers.host, 'example.com:8080');
    assertRefused(await send('GET http://user@/x HTTP/1.1\r\nHost: x\r\n\r\n'), /invalid authority/);
    assertRefused(await send('GET http://exa%zzmple/x HTTP/1.1\r\nHost: x\r\n\r\n'), /invalid authority/);
  });
  test('afterwards the same worker serves, and none exited', async () => {
    assert.equal(echoed(await send('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).pid, echo.workerPid);
    assert.deepEqual(echo.server.bootedPids(), [echo.workerPid]);
  });
});

describe('underscore-named headers (header_map, forwarder_headers)', () => {
  const servers: EchoServer[] = [];
  after(async () => { await Promise.all(servers.map((s) => s.server.stop())); });
  const start = async (args: string[]): Promise<EchoServer> => { const s = await startEchoServer(args); servers.push(s); return s; };
  const REQ = 'GET / HTTP/1.0\r\nContent_Length: -1E23\r\nTransfer_Encoding: tricked\r\nScript_Name: /mnt\r\nX-Ok: 1\r\n\r\n';

  test('drop (default): removed before the app; forwarder_headers (SCRIPT_NAME) kept only from a trusted peer', async () => {
    const echo = await start([]);
    const trusted = echoed(await exchange(echo.port, REQ)).headers;
    assert.deepEqual(Object.keys(trusted).sort(), ['script_name', 'x-ok']);
    const untrusted = echoed(await exchange(echo.port, REQ, { localAddress: '127.0.0.2' })).headers;
    assert.deepEqual(Object.keys(untrusted).sort(), ['x-ok']);
  });
  test('refuse: 400 and close', async () => {
    const echo = await start(['--header-map', 'refuse']);
    assertRefused(await exchange(echo.port, REQ), /underscore/);
  });
  test('dangerous: passed on as sent', async () => {
    const echo = await start(['--header-map', 'dangerous']);
    assert.equal(echoed(await exchange(echo.port, REQ)).headers.content_length, '-1E23');
  });
});

describe('the final response before extra bytes on a closing connection is delivered, then close', () => {
  let echo: EchoServer;
  before(async () => { echo = await startEchoServer([]); });
  after(() => echo?.server.stop());

  // ?delay holds the response back, so the extra bytes are surely read before it is written.
  for (const [name, bytes] of [
    ['HTTP/1.0 then another request (Gunicorn valid/019)', 'GET /first?delay=100 HTTP/1.0\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['Connection: close then another request (valid/021)', 'GET /first?delay=100 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a keep-alive request, then garbage: its response, then close', 'GET /ka?delay=100 HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01garbage\r\n\r\n'],
    ['a POST with a body and Connection: close, then garbage', 'POST /p?delay=100 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello\x00\x01garbage GET /x\r\n\r\n'],
  ] as const) {
    test(name, async () => {
      const resp = await exchange(echo.port, bytes);
      assert.deepEqual(statuses(resp), [200], resp.slice(0, 200));
      assert.equal(echoed(resp).pid, echo.workerPid);
    });
  }
});

describe('trust settings as Gunicorn 26 has them', () => {
  const dir = makeTempDir();
  after(() => dir.remove());

  test('--proxy-protocol takes off|v1|v2|auto; alone it means auto; other values are refused naming the setting', async () => {
    const v1 = await runGunicorn(['--proxy-protocol', 'v1', '--print-config', 'edge/echo-app.mjs:app']);
    assert.equal(v1.code, 0, v1.stderr);
    assert.match(v1.stdout, /^proxy_protocol += "v1"  # command line$/m);
    const bare = await runGunicorn(['--proxy-protocol', '--print-config', 'edge/echo-app.mjs:app']);
    assert.match(bare.stdout, /^proxy_protocol += "auto"  # command line$/m);
    const bad = await runGunicorn(['--proxy-protocol', 'v3', '--check-config', 'edge/echo-app.mjs:app']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /proxy_protocol/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });
  test('the old boolean in a config file is read as auto, with a note in --print-config', async () => {
    const conf = dir.write('pp.conf.ts', 'export default { proxy_protocol: true };\n');
    const r = await runGunicorn(['-c', conf, '--print-config']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^proxy_protocol += "auto"  # .*pp\.conf\.ts \(old boolean form: true means auto, false off\)$/m);
  });
  test('forwarded_allow_ips and proxy_allow_ips default to 127.0.0.1,::1; FORWARDED_ALLOW_IPS is a layer below files and flags', async () => {
    const defaults = await runGunicorn(['--print-config']);
    assert.match(defaults.stdout, /^forwarded_allow_ips += "127\.0\.0\.1,::1"  # default$/m);
    assert.match(defaults.stdout, /^proxy_allow_ips += "127\.0\.0\.1,::1"  # default$/m);
    const env = await runGunicorn(['--print-config'], { env: { FORWARDED_ALLOW_IPS: '10.0.0.0/8' } });
    assert.match(env.stdout, /^forwarded_allow_ips += "10\.0\.0\.0\/8"  # environment FORWARDED_ALLOW_IPS$/m);
    const flag = await runGunicorn(['--print-config', '--forwarded-allow-ips', '192.0.2.1'], { env: { FORWARDED_ALLOW_IPS: '10.0.0.0/8' } });
    assert.match(flag.stdout, /^forwarded_allow_ips += "192\.0\.2\.1"  # command line$/m);
  });
  test('a bad FORWARDED_ALLOW_IPS stops --check-config and a real start alike, naming the setting and the variable', async () => {
    for (const mode of [['--check-config'], ['-b', '127.0.0.1:0']]) {
      const r = await runGunicorn([...mode, 'edge/echo-app.mjs:app'], { env: { FORWARDED_ALLOW_IPS: '10.0.0.0/33' } });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /forwarded_allow_ips: "10\.0\.0\.0\/33" from environment FORWARDED_ALLOW_IPS: "10\.0\.0\.0\/33" is not a valid CIDR range/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
  test('a proxy on [::1] is trusted by default: its X-Forwarded-Proto and X-Forwarded-For reach the app', async () => {
    const server = startGunicorn(['-w', '1', '-b', '[::1]:0', 'edge/echo-app.mjs:app']);
    try {
      const [url] = await server.listening();
      const resp = await exchange(Number(new URL(url!).port), 'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.5\r\nConnection: close\r\n\r\n', { host: '::1' });
      assert.equal(echoed(resp).scheme, 'https');
      assert.equal(echoed(resp).client, '203.0.113.5');
    } finally {
      await server.stop();
    }
  });
  test('FORWARDED_ALLOW_IPS from the environment decides trust in the workers', async () => {
    const echo = await startEchoServer([]);
    try {
      assert.equal(echoed(await exchange(echo.port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n')).scheme, 'https');
    } finally {
      await echo.server.stop();
    }
    const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', 'edge/echo-app.mjs:app'], { env: { ...process.env, FORWARDED_ALLOW_IPS: '192.0.2.1' } });
    try {
      const [url] = await server.listening();
      await server.waitFor('a booted worker', () => server.bootedPids()[0]);
      const resp = await exchange(Number(new URL(url!).port), 'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n');
      assert.equal(echoed(resp).scheme, 'http');
    } finally {
      await server.stop();
    }
  });
  test('contradictory scheme headers from a trusted peer get 400 (Gunicorn invalid/019)', async () => {
    const echo = await startEchoServer(['--forwarded-allow-ips', '*']);
    try {
      assertRefused(await exchange(echo.port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\n\r\n'), /contradictory/);
      // From an untrusted peer the same headers are only stripped.
      const strict = await startEchoServer(['--forwarded-allow-ips', '192.0.2.1']);
      try {
        const resp = await exchange(strict.port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Ssl: off\r\nConnection: close\r\n\r\n');
        assert.equal(echoed(resp).scheme, 'http');
      } finally {
        await strict.server.stop();
      }
    } finally {
      await echo.server.stop();
    }
  });
});
