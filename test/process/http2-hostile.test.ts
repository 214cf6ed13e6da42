// Hostile and slow HTTP/2 clients against the real binary, with frames built byte by byte
// (test/helpers/h2-frames.ts): CONTINUATION floods, header floods over
// http2_max_header_list_size and the header count, oversized frames, bad prefaces, and
// clients that open a session or a stream and then stall. Each time Node's http2 client
// keeps streams going on the same worker, which must serve all of them and never exit.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import fs from 'node:fs';
import { startEchoServer, type EchoServer } from '../helpers/raw-http.js';
import { FLAG, FRAME, PREFACE, frame, settings, getBlock, headerFrames, literal, rawSession, writeUntilClosed, type RawSession } from '../helpers/h2-frames.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';
import { curl, http2Load } from './http2-support.js';

/** Generous safety bound for the server to end a session; far above the 1 s keepalive and 2 s timeout used here. */
const WITHIN_MS = 15_000;

const closedWithin = async (s: RawSession, what: string): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: the server kept the connection open`)), WITHIN_MS); });
  try {
    await Promise.race([s.closed, late]);
  } finally {
    clearTimeout(timer);
  }
};
const goaway = (s: RawSession): number | undefined => s.received.find((r) => r.type === FRAME.GOAWAY)?.code;
const resets = (s: RawSession): (number | undefined)[] => s.received.filter((r) => r.type === FRAME.RST_STREAM).map((r) => r.code);
const ENHANCE_YOUR_CALM = 0xb;
const FRAME_SIZE_ERROR = 0x6;
const CANCEL = 0x8;

describe('hostile HTTP/2 clients (cleartext prior knowledge, --keep-alive 1 --timeout 2)', () => {
  let echo: EchoServer;
  before(async () => {
    echo = await startEchoServer(['--access-logfile', '-', '--keep-alive', '1', '--timeout', '2',
      '--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge']);
  });
  after(async () => { await echo?.server.stop(); });

  /** Runs `attack` while Node's http2 client keeps 2 streams going; that client must see every stream served by the one worker. */
  const whileServing = async (attack: () => Promise<void>): Promise<void> => {
    const normal = http2Load(`http://127.0.0.1:${echo.port}`, {}, 2);
    try {
      await attack();
    } finally {
      const result = await normal.stop();
      assert.deepEqual(result.failed, []);
      assert.ok(result.ok > 0);
      assert.deepEqual([...result.pids], [echo.workerPid]);
    }
  };

  test('CONTINUATION flood: HEADERS without END_HEADERS, then endless CONTINUATION frames (with fields, and empty): the session is ended early', async () => {
    await whileServing(async () => {
      const filled = await rawSession(echo.port);
      // Caps of ~50 MB, far beyond what socket buffers hold: a server that never ends the session fails here.
      const sent = await writeUntilClosed(filled, (i) => (i === 0 ? frame(FRAME.HEADERS, 0, 1, getBlock('/c')) : i < 500_000 ? frame(FRAME.CONTINUATION, 0, 1, literal(`x-c${i}`, 'v'.repeat(100))) : undefined), WITHIN_MS);
      await closedWithin(filled, 'CONTINUATION frames with fields');
      assert.ok(sent < 500_000, `${sent} frames written before the close`);
      const empty = await rawSession(echo.port);
      const sentEmpty = await writeUntilClosed(empty, (i) => (i === 0 ? frame(FRAME.HEADERS, 0, 1, getBlock('/c')) : i < 6_000_000 ? frame(FRAME.CONTINUATION, 0, 1) : undefined), WITHIN_MS);
      await closedWithin(empty, 'empty CONTINUATION frames');
      assert.ok(sentEmpty < 6_000_000, `${sentEmpty} empty frames written before the close`);
    });
    assert.doesNotMatch(echo.server.stdout, /"GET \/c HTTP\/2\.0"/, 'the flooded request never reached the app');
  });

  test('header list over http2_max_header_list_size (64 KiB): 431 on its stream before the client acknowledged SETTINGS, RST_STREAM after; the session goes on', async () => {
    const big = getBlock('/big', Array.from({ length: 60 }, (_, i) => [`x-big${i}`, 'v'.repeat(2000)]));
    await whileServing(async () => {
      // Before SETTINGS are acknowledged nghttp2 applies no limit: the edge answers 431 itself.
      const early = await rawSession(echo.port, undefined, false);
      await writeUntilClosed(early, (i) => headerFrames(1, big, true)[i]);
      await echo.server.waitFor('the 431 body', () => early.body(1).includes('http2_max_header_list_size') || undefined);
      early.socket.destroy();
      const late = await rawSession(echo.port);
      await new Promise((r) => setTimeout(r, 200));
      await writeUntilClosed(late, (i) => headerFrames(1, big, true)[i]);
      await echo.server.waitFor('RST_STREAM', () => resets(late).length > 0 || undefined);
      assert.deepEqual(resets(late), [ENHANCE_YOUR_CALM]);
      // The same session still serves a normal stream.
      await writeUntilClosed(late, (i) => (i === 0 ? frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 3, getBlock('/after-big')) : undefined));
      await echo.server.waitFor('the next stream', () => late.received.some((r) => r.type === FRAME.DATA && r.stream === 3) || undefined);
      late.socket.destroy();
    });
  });

  test('header flood: 500 fields on a stream get RST_STREAM ENHANCE_YOUR_CALM, each of 20,000 such streams too; none reaches the app', async () => {
    const many = getBlock('/many', Array.from({ length: 500 }, (_, i) => [`x-${i}`, 'v']));
    await whileServing(async () => {
      const one = await rawSession(echo.port);
      await writeUntilClosed(one, (i) => (i === 0 ? frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 1, many) : undefined));
      await echo.server.waitFor('RST_STREAM', () => resets(one).length > 0 || undefined);
      assert.deepEqual(resets(one), [ENHANCE_YOUR_CALM]);
      one.socket.destroy();
      // Node resets each such stream without ending the session (nor counting it against
      // maxSessionRejectedStreams): each costs the worker the decoding of a header block the
      // client had to send. Once the flood stops, the session idles out (keepalive).
      const flood = await rawSession(echo.port);
      const sent = await writeUntilClosed(flood, (i) => (i < 20_000 ? frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 1 + 2 * i, many) : undefined));
      await closedWithin(flood, 'a flood of oversized header blocks');
      assert.ok(resets(flood).length > 0 && resets(flood).every((code) => code === ENHANCE_YOUR_CALM), `resets ${new Set(resets(flood)).size} kinds after ${sent} streams`);
      assert.ok(flood.received.every((r) => r.type !== FRAME.HEADERS), 'no stream was answered');
    });
    assert.doesNotMatch(echo.server.stdout, /"GET \/many HTTP\/2\.0"/);
  });

  test('a frame over http2_max_frame_size: GOAWAY FRAME_SIZE_ERROR, and the connection is closed even though the client keeps it open', async () => {
    await whileServing(async () => {
      const s = await rawSession(echo.port);
      await writeUntilClosed(s, (i) => (i === 0 ? frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 1, Buffer.concat([getBlock('/o'), Buffer.alloc(20_000, 0x40)])) : undefined));
      await closedWithin(s, 'after GOAWAY');
      assert.equal(goaway(s), FRAME_SIZE_ERROR);
    });
  });

  test('a session that sends the preface and nothing more, 50 times over: each is closed after keepalive (GOAWAY NO_ERROR)', async () => {
    await whileServing(async () => {
      const idle = await Promise.all(Array.from({ length: 50 }, () => rawSession(echo.port, PREFACE, false)));
      await Promise.all(idle.map((s) => closedWithin(s, 'an idle session')));
      assert.ok(idle.every((s) => goaway(s) === 0), JSON.stringify(idle.map(goaway)));
    });
  });

  test('a session whose streams have all been answered is closed after keepalive (GOAWAY NO_ERROR), however many it had', async () => {
    await whileServing(async () => {
      const s = await rawSession(echo.port);
      // Five streams at once, then three more after they are answered: closed streams' places are reused.
      await writeUntilClosed(s, (i) => (i < 5 ? frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 1 + 2 * i, getBlock(`/served-${i}`)) : undefined));
      await echo.server.waitFor('five answers', () => [1, 3, 5, 7, 9].every((id) => s.body(id).includes('/served-')) || undefined);
      await writeUntilClosed(s, (i) => (i < 3 ? frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 11 + 2 * i, getBlock(`/served-again-${i}`)) : undefined));
      await echo.server.waitFor('three more answers', () => [11, 13, 15].every((id) => s.body(id).includes('/served-again-')) || undefined);
      await closedWithin(s, 'a session with no stream left');
      assert.equal(goaway(s), 0);
      assert.deepEqual(resets(s), []);
    });
  });

  test('a request the app destroys while its response is still coming keeps its session open until the response is out', async () => {
    await whileServing(async () => {
      const s = await rawSession(echo.port);
      // The response comes 4 s later, past the 1 s keepalive: the session must not be idle meanwhile.
      await writeUntilClosed(s, (i) => (i === 0 ? frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 1, getBlock('/late?destroy-request=1&delay=4000')) : undefined));
      await echo.server.waitFor('the late answer', () => s.body(1).includes('/late') || s.isClosed() || undefined, WITHIN_MS);
      assert.match(s.body(1), /"pid":/);
      assert.equal(goaway(s), undefined, 'no GOAWAY before the response');
      await closedWithin(s, 'the session once its last stream is done');
      assert.equal(goaway(s), 0);
    });
  });

  test('a stream whose request never finishes (HEADERS without END_STREAM, then silence) is reset after timeout; the session stays up', async () => {
    await whileServing(async () => {
      const s = await rawSession(echo.port);
      await writeUntilClosed(s, (i) => (i === 0 ? frame(FRAME.HEADERS, FLAG.END_HEADERS, 1, getBlock('/never-ends')) : i === 1 ? frame(FRAME.DATA, 0, 1, Buffer.from('x')) : undefined));
      await echo.server.waitFor('RST_STREAM', () => resets(s).length > 0 || undefined, WITHIN_MS);
      assert.deepEqual(resets(s), [CANCEL]);
      s.socket.destroy();
    });
  });

  test('a client that never reads (its window stays shut) has its stream reset after timeout', async () => {
    await whileServing(async () => {
      // A 1000-byte window (SETTINGS_INITIAL_WINDOW_SIZE), never opened further, and a 4 KB response.
      const s = await rawSession(echo.port, Buffer.concat([PREFACE, settings([[0x4, 1000]])]));
      const block = getBlock('/never-reads', [['x-pad', 'p'.repeat(4000)]]);
      await writeUntilClosed(s, (i) => (i === 0 ? frame(FRAME.HEADERS, FLAG.END_HEADERS | FLAG.END_STREAM, 1, block) : undefined));
      await echo.server.waitFor('RST_STREAM', () => resets(s).length > 0 || undefined, WITHIN_MS);
      assert.deepEqual(resets(s), [CANCEL]);
      assert.ok(s.received.some((r) => r.type === FRAME.DATA), 'the response started');
      s.socket.destroy();
    });
  });
});

describe('idle sessions over the bound on connections sending a head (--worker-connections 10)', () => {
  let echo: EchoServer;
  before(async () => {
    echo = await startEchoServer(['--worker-connections', '10', '--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge']);
  });
  after(async () => { await echo?.server.stop(); });

  test('the oldest are shed as HTTP/1.1 ones are, but closed without HTTP/1.1 bytes on an HTTP/2 connection', async () => {
    const sessions: RawSession[] = [];
    for (let i = 0; i < 15; i++) sessions.push(await rawSession(echo.port));
    await Promise.all(sessions.slice(0, 5).map((s) => closedWithin(s, 'a shed session')));
    for (const s of sessions) assert.doesNotMatch(s.raw(), /HTTP\/1\.1/);
    const next = await curl(`${echo.url}/next`, ['--http2-prior-knowledge']);
    assert.equal((JSON.parse(next.body) as { pid: number }).pid, echo.workerPid);
    for (const s of sessions) s.socket.destroy();
  });
});

describe('a bad preface over TLS (h2 negotiated by ALPN)', () => {
  let pki: TestPki;
  let echo: EchoServer;
  before(async () => {
    pki = makeTestPki();
    echo = await startEchoServer(['--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key'), '--http-protocols', 'h2,h1']);
  });
  after(async () => { await echo?.server.stop(); pki?.remove(); });

  test('HTTP/1.1 bytes after ALPN chose h2: the connection is closed without reaching the app; the worker serves the next client', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({ port: echo.port, host: '127.0.0.1', servername: 'localhost', ca: fs.readFileSync(pki.file('ca.pem')), ALPNProtocols: ['h2'] }, () => {
        assert.equal(s.alpnProtocol, 'h2');
        s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      let data = '';
      s.on('data', (d: Buffer) => { data += d.toString('latin1'); });
      s.on('error', reject);
      s.on('close', () => resolve(data));
      setTimeout(() => reject(new Error('still open')), WITHIN_MS).unref();
    });
    assert.doesNotMatch(answer, /HTTP\/1\.1 200/);
    const next = await curl(`https://localhost:${echo.port}/next`, ['--http2', '--resolve', `localhost:${echo.port}:127.0.0.1`, '--cacert', pki.file('ca.pem')]);
    assert.equal(next.version, '2');
    assert.equal((JSON.parse(next.body) as { pid: number }).pid, echo.workerPid);
  });
});
