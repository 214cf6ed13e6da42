// TERM, INT, QUIT and WINCH sent to the real arbiter: TERM lets an in-flight request finish
// and removes the pidfile; INT and QUIT stop at once (the in-flight request is cut); WINCH
// is ignored when not daemonized (the daemon case is in daemon.test.ts).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, get, HOOKS_CONF, servedBy, Tracked, workersOf } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-signals-stop-');

after(async () => {
  await tracked.cleanup();
  tmp.remove();
});

describe('stop signals', () => {
  it('TERM: an in-flight request finishes with 200, then exit 0 and the pidfile is gone', async () => {
    const pidfile = join(tmp.path, 'term.pid');
    const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', '-p', pidfile, '--graceful-timeout', '30', APP]);
    const [url] = await server.listening();
    const workers = await workersOf(server.pid, 2);
    assert.equal(readFileSync(pidfile, 'utf8').trim(), String(server.pid));
    const slow = get(url!, '/slow?ms=1500');
    await server.waitForLog(/^app: slow request started/);
    server.signal('SIGTERM');
    const reply = await slow;
    assert.equal(reply.status, 200);
    assert.ok(workers.includes(servedBy(reply)));
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.equal(existsSync(pidfile), false);
    for (const pid of workers) assert.equal(isAlive(pid), false, `worker ${pid} is gone`);
    assert.ok(server.logCount(/^Handling signal: term$/) === 1);
  });

  it('TERM: a request still running at graceful_timeout is cut and the worker ends, exit 0', async () => {
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '--graceful-timeout', '1', APP]);
    const [url] = await server.listening();
    const [worker] = await workersOf(server.pid, 1);
    const slow = get(url!, '/slow?ms=60000').then((r) => `status ${r.status}`, (err: Error) => err.message);
    await server.waitForLog(/^app: slow request started/);
    server.signal('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.match(await slow, /socket hang up|ECONNRESET/);
    assert.equal(isAlive(worker!), false);
    // The worker cuts itself off just before the arbiter's SIGKILL would, and says so.
    const cut = server.lines.find((l) => l.pid === worker && /^Worker exiting \(graceful_timeout of 1s reached while waiting for HTTP connections to drain; cut off\)$/.test(l.msg ?? ''));
    assert.ok(cut, 'the worker logged why it was cut off');
  });

  it('TERM during startup (a slow when_ready) is held, then a graceful stop: exit 0, pidfile gone', async () => {
    const pidfile = join(tmp.path, 'early.pid');
    const hookLog = join(tmp.path, 'early.jsonl');
    const env = { GTS_HOOK_LOG: hookLog, GTS_WHEN_READY_MS: '1500' };
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-p', pidfile, '-c', HOOKS_CONF, APP], { env });
    await server.listening();
    server.signal('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.equal(existsSync(pidfile), false);
    assert.equal(server.logCount(/^Handling signal: term$/), 1);
  });

  for (const signal of ['SIGINT', 'SIGQUIT'] as const) {
    it(`${signal}: quick shutdown, the in-flight request is cut, exit 0`, async () => {
      const pidfile = join(tmp.path, `${signal}.pid`);
      const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-p', pidfile, '--graceful-timeout', '60', APP]);
      const [url] = await server.listening();
      const [worker] = await workersOf(server.pid, 1);
      const slow = get(url!, '/slow?ms=30000').then((r) => `status ${r.status}`, (err: Error) => err.message);
      await server.waitForLog(/^app: slow request started/);
      server.signal(signal);
      assert.deepEqual(await server.exited, { code: 0, signal: null });
      assert.match(await slow, /socket hang up|ECONNRESET/);
      assert.equal(isAlive(worker!), false);
      assert.equal(existsSync(pidfile), false);
      assert.ok(server.logCount(new RegExp(`^Handling signal: ${signal.slice(3).toLowerCase()}$`)) === 1);
    });
  }

  it('WINCH is ignored when not daemonized: same workers keep serving', async () => {
    const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', '--log-level', 'debug', APP]);
    const [url] = await server.listening();
    const before = await workersOf(server.pid, 2);
    server.signal('SIGWINCH');
    await server.waitForLog(/SIGWINCH ignored/);
    assert.equal((await get(url!)).status, 200);
    assert.deepEqual(await workersOf(server.pid, 2), before);
    await server.stop();
  });
});
