// HTTP/2 at the edge through the real binary: PROXY protocol (v1 and v2) in front of cleartext
// prior knowledge and of h2 over TLS, with Node's http2 client (each stream sees the header's
// client); the access log's {Header}o and b/B per stream, with curl --http2-prior-knowledge.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http2 from 'node:http2';
import { get as httpGet } from 'node:http';
import { proxyV2Tcp4, startEchoServer, type EchoServer } from '../helpers/raw-http.js';
import { startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';
import { getAll, proxiedSession } from './http2-edge-support.js';
import { curl } from './http2-support.js';

let pki: TestPki;
before(() => { pki = makeTestPki(); });
after(() => pki.remove());

const V1 = Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\n', 'latin1');
const V2 = proxyV2Tcp4([198, 51, 100, 9], [10, 0, 0, 1], 40000, 80);
const PATHS = ['/s1', '/s2', '/s3'];

interface Echoed { pid: number; client: string | null; remoteAddress: string | null; scheme: string }

describe('PROXY protocol in front of HTTP/2', () => {
  const servers: EchoServer[] = [];
  after(async () => { for (const s of servers) await s.server.stop(); });
  const start = async (args: string[]): Promise<EchoServer> => {
    const echo = await startEchoServer(['--access-logfile', '-', '--proxy-protocol', '--proxy-allow-from', '127.0.0.1', ...args]);
    servers.push(echo);
    return echo;
  };

  const proxiedStreams = async (echo: EchoServer, header: Buffer, expected: string, ca?: Buffer, split = false): Promise<void> => {
    const session = await proxiedSession(echo.port, header, { ...(ca === undefined ? {} : { ca }), split });
    try {
      const answers = await getAll(session, PATHS.map((p) => `${p}-${expected}`));
      for (const a of answers) {
        assert.equal(a.status, 200);
        const seen = JSON.parse(a.body) as Echoed;
        assert.equal(seen.client, expected);
        assert.equal(seen.remoteAddress, expected);
        assert.equal(seen.scheme, ca === undefined ? 'http' : 'https');
        assert.equal(seen.pid, echo.workerPid);
      }
    } finally {
      session.destroy();
    }
    const lines = PATHS.map((p) => new RegExp(`^${expected.replaceAll('.', '\\.')} .*"GET ${p}-${expected.replaceAll('.', '\\.')} HTTP/2\\.0" 200 `, 'm'));
    await echo.server.waitFor('an access log line per stream', () => lines.every((l) => l.test(echo.server.stdout)) || undefined);
  };

  test('cleartext prior knowledge from the trusted proxy: v1 and v2 headers, each stream sees the header\'s client (REMOTE_ADDR and %(h)s)', async () => {
    const echo = await start(['--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge', '--forwarded-allow-ips', '127.0.0.1']);
    await proxiedStreams(echo, V1, '203.0.113.7');
    await proxiedStreams(echo, V2, '198.51.100.9');
    // The header in a segment of its own, the preface in the next.
    await proxiedStreams(echo, V1, '203.0.113.7', undefined, true);
    // Trust for HTTP/2 is the proxy's (the TCP peer), never the client's the header names:
    // without a PROXY header the same proxy still speaks HTTP/2 (auto mode).
    const plain = await curl(`${echo.url}/direct`, ['--http2-prior-knowledge']);
    assert.equal(plain.version, '2');
    assert.equal((JSON.parse(plain.body) as Echoed).client, '127.0.0.1');
  });

  test('h2 over TLS after the header (ALPN): v1 and v2, each stream sees the header\'s client', async () => {
    const echo = await start(['--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key'), '--http-protocols', 'h2,h1']);
    const ca = fs.readFileSync(pki.file('ca.pem'));
    await proxiedStreams(echo, V1, '203.0.113.7', ca);
    await proxiedStreams(echo, V2, '198.51.100.9', ca);
    await proxiedStreams(echo, V2, '198.51.100.9', ca, true);
  });
});

describe('X-Forwarded-For and X-Forwarded-Proto on every stream of an HTTP/2 session (the trust is kept per session)', () => {
  const servers: EchoServer[] = [];
  after(async () => { for (const s of servers) await s.server.stop(); });
  const FORWARDED = { 'x-forwarded-for': '198.51.100.20', 'x-forwarded-proto': 'https' };
  type Seen = Echoed & { headers: Record<string, string | undefined> };

  /**
   * Two rounds of concurrent streams over one `session` (closed after): the first decides the
   * trust, the second reads it back. Every stream is served by the one worker.
   */
  const twoRounds = async (echo: EchoServer, session: http2.ClientHttp2Session): Promise<Seen[]> => {
    session.on('error', () => undefined);
    const seen: Seen[] = [];
    try {
      for (const round of [1, 2]) {
        for (const a of await getAll(session, PATHS.map((p) => `${p}-fwd${round}`), FORWARDED)) {
          assert.equal(a.status, 200);
          seen.push(JSON.parse(a.body) as Seen);
        }
      }
    } finally {
      session.destroy();
    }
    assert.equal(seen.length, 2 * PATHS.length);
    for (const s of seen) assert.equal(s.pid, echo.workerPid);
    return seen;
  };

  test('from a trusted peer (cleartext prior knowledge): each stream sees the forwarded client and scheme, and %(h)s logs it', async () => {
    const echo = await startEchoServer(['--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge', '--forwarded-allow-ips', '127.0.0.1', '--access-logfile', '-']);
    servers.push(echo);
    for (const s of await twoRounds(echo, http2.connect(echo.url))) {
      assert.equal(s.client, '198.51.100.20');
      assert.equal(s.scheme, 'https');
      assert.equal(s.headers['x-forwarded-for'], '198.51.100.20');
    }
    // The access line is written once the stream has closed, when node:http2 has let go of
    // its session: the client must still be the forwarded one, not the proxy.
    const lines = [1, 2].flatMap((round) => PATHS.map((p) => new RegExp(`^(\\S+) .*"GET ${p}-fwd${round} HTTP/2\\.0" 200 `, 'm')));
    await echo.server.waitFor('an access log line per stream', () => lines.every((l) => l.test(echo.server.stdout)) || undefined);
    for (const line of lines) assert.equal(line.exec(echo.server.stdout)?.[1], '198.51.100.20', `${line}`);
  });

  test('from an untrusted peer (h2 over TLS): the headers are removed before the app on each stream', async () => {
    const echo = await startEchoServer(['--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key'), '--http-protocols', 'h2,h1', '--forwarded-allow-ips', '192.0.2.1']);
    servers.push(echo);
    const session = http2.connect(`https://127.0.0.1:${echo.port}`, { ca: fs.readFileSync(pki.file('ca.pem')), servername: 'localhost' });
    for (const s of await twoRounds(echo, session)) {
      assert.equal(s.client, '127.0.0.1');
      assert.equal(s.headers['x-forwarded-for'], undefined);
      assert.equal(s.headers['x-forwarded-proto'], undefined);
    }
  });
});

describe('access log per HTTP/2 stream: {Header}o, b and B (curl --http2-prior-knowledge)', () => {
  let server: ServerProcess;
  after(async () => { await server?.stop(); });

  test('each stream logs its own headers and body bytes: curl, and concurrent streams of one Node client connection', async () => {
    server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', '--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge',
      '--access-logfile', '-', '--access-logformat', 'AL "%(r)s" %(s)s B=%(B)s b=%(b)s size=%({x-size}o)s type=%({content-type}o)s',
      'edge/sized-app.mjs:app']);
    const [url] = await server.listening();
    const line = (method: string, n: number): string => (n === 0
      ? `AL "${method} /sized?n=0 HTTP/2.0" 204 B=0 b=- size=0 type=text/plain`
      : `AL "${method} /sized?n=${n} HTTP/2.0" 200 B=${method === 'HEAD' ? '0 b=-' : `${n} b=${n}`} size=${n} type=text/plain`);
    // curl: one connection each (curl 7.88's --parallel over prior knowledge breaks its own
    // second stream, against plain node:http2 too, so its multiplexing is not used here).
    for (const n of [0, 1, 70_001]) {
      const r = await curl(`${url!}/sized?n=${n}`, ['--http2-prior-knowledge']);
      assert.equal(r.version, '2');
      assert.equal(r.body.length, n);
      await server.waitFor(`the access log line for n=${n}`, () => server.stdout.includes(line('GET', n)) || undefined);
    }
    const head = await curl(`${url!}/sized?n=1234`, ['--http2-prior-knowledge', '-I']);
    assert.equal(head.version, '2');
    await server.waitFor('the HEAD line', () => server.stdout.includes(line('HEAD', 1234)) || undefined);
    // Interleaved streams of one connection: each response counts only its own bytes.
    const sizes = [2, 999, 5000, 33_333, 100_000];
    const session = http2.connect(url!);
    try {
      const answers = await getAll(session, sizes.map((n) => `/sized?n=${n}`));
      assert.deepEqual(answers.map((a) => a.body.length), sizes);
    } finally {
      session.destroy();
    }
    for (const n of sizes) await server.waitFor(`the access log line for n=${n}`, () => server.stdout.includes(line('GET', n)) || undefined);
  });
});

describe('worker_connections counts HTTP/2 streams, and one connection takes at most half', () => {
  let server: ServerProcess;
  after(async () => { await server?.stop(); });

  test('an HTTP/2 client with 12 streams at once runs 2 at a time (--worker-connections 4); an HTTP/1.1 client on the same worker is served meanwhile', async () => {
    server = startGunicorn(['-w', '1', '--worker-connections', '4', '-b', '127.0.0.1:0', '--http-protocols', 'h2,h1',
      '--http2-cleartext', 'prior-knowledge', '--forwarded-allow-ips', '127.0.0.1', 'edge/in-flight-app.mjs:app']);
    const [url] = await server.listening();
    const pid = await server.waitFor('the worker pid', () => server.bootedPids()[0]);
    const session = http2.connect(url!);
    let h2Done = 0;
    const streams = getAll(session, Array.from({ length: 12 }, (_, i) => `/h2-${i}?delay=300`)).then((answers) => { h2Done = answers.length; return answers; });
    try {
      // HTTP/1.1 from 127.0.0.2 (not a trusted peer: served HTTP/1.1 on this port), Node's http client.
      await new Promise((r) => setTimeout(r, 200));
      const h1: { pid: number; running: number }[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await http1Get(`${url!}/h1-${i}`, '127.0.0.2');
        assert.equal(r.status, 200);
        h1.push(JSON.parse(r.body) as { pid: number; running: number });
      }
      assert.equal(h2Done, 0, 'the HTTP/1.1 requests did not wait for the HTTP/2 client\'s streams');
      assert.ok(h1.every((r) => r.pid === pid && r.running <= 3), JSON.stringify(h1));
      const answers = await streams;
      assert.ok(answers.every((a) => a.status === 200));
      const running = answers.map((a) => (JSON.parse(a.body) as { running: number }).running);
      assert.equal(Math.max(...running), 2, `in flight when each HTTP/2 stream started: ${running.join(',')}`);
    } finally {
      session.destroy();
    }
  });
});

function http1Get(url: string, localAddress: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}
