// HTTP/2 under load across max-requests recycling and USR2, with Node's own http2 client
// (several sessions, many streams each): every retiring worker sends GOAWAY and finishes the
// streams it accepted; a stream it refused is retried by the client on a new connection, as
// RFC 9113 §8.7 lets a client do. 0 failed streams. (HUP is in http2.test.ts.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';
import { Tracked, waitUntil, workersOf } from './arbiter-support.js';
import { http2Load, type LoadResult } from './http2-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-http2-load-');
let pki: TestPki;
before(() => { pki = makeTestPki(); });
after(async () => {
  await tracked.cleanup();
  tmp.remove();
  pki.remove();
});

const APP = 'edge/echo-app.mjs:app';
const SESSIONS = 4;
const STREAMS = 24;

function assertNoFailure(result: LoadResult): void {
  assert.deepEqual(result.failed, []);
  assert.ok(result.ok > 200, `served ${result.ok} streams`);
}

describe('HTTP/2 load across worker replacement', { timeout: 180_000 }, () => {
  it('max-requests recycling over TLS: >= 6 workers replaced, 0 failed streams', async () => {
    const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', '--max-requests', '150', '--max-requests-jitter', '30',
      '--graceful-timeout', '10', '--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key'), '--http-protocols', 'h2,h1', APP]);
    const [url] = await server.listening();
    await server.waitFor('two workers', () => server.bootedPids().length >= 2 || undefined);
    const first = new Set(server.bootedPids());
    const load = http2Load(`https://localhost:${new URL(url!).port}`, { ca: fs.readFileSync(pki.file('ca.pem')), host: '127.0.0.1', servername: 'localhost' }, STREAMS, SESSIONS);
    let result: LoadResult;
    try {
      await server.waitFor('6 replacements', () => server.bootedPids().filter((p) => !first.has(p)).length >= 6 || undefined, 120_000);
    } finally {
      result = await load.stop();
    }
    assertNoFailure(result);
    assert.ok(result.pids.size >= 6, `streams served by ${result.pids.size} workers`);
    const booted = new Set(server.bootedPids());
    for (const pid of result.pids) assert.ok(booted.has(pid), `pid ${pid} served but is not a booted worker`);
    assert.equal(server.lines.filter((l) => l.msg === 'worker died').length, 0, server.stderr);
  });

  it('USR2 over cleartext prior knowledge: the new master serves, TERM to the old one, 0 failed streams', async () => {
    const pidfile = join(tmp.path, 'usr2.pid');
    const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', '-p', pidfile, '--graceful-timeout', '10',
      '--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge', APP]);
    const [url] = await server.listening();
    const oldWorkers = await workersOf(server.pid, 2);
    const load = http2Load(url!, {}, STREAMS, SESSIONS);
    let result: LoadResult;
    let newWorkers: number[];
    try {
      await new Promise((r) => setTimeout(r, 500));
      server.signal('SIGUSR2');
      const newMaster = await waitUntil('the new master to write the pidfile', () => {
        try {
          const pid = Number(fs.readFileSync(pidfile, 'utf8').trim());
          return pid !== server.pid ? pid : undefined;
        } catch {
          return undefined;
        }
      });
      tracked.pid(newMaster);
      newWorkers = await workersOf(newMaster, 2, 30_000);
      await new Promise((r) => setTimeout(r, 500));
      server.signal('SIGTERM');
      assert.deepEqual(await server.exited, { code: 0, signal: null });
      await waitUntil('the old workers to exit', () => oldWorkers.every((p) => !isAlive(p)));
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      result = await load.stop();
    }
    assertNoFailure(result);
    assert.ok(oldWorkers.some((p) => result.pids.has(p)), 'the old master\'s workers served streams');
    assert.ok(newWorkers.some((p) => result.pids.has(p)), 'the new master\'s workers served streams');
  });
});
