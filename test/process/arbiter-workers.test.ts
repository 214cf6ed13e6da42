// The arbiter keeping its workers alive, with the real binary: a boot failure stops it with
// exit 3 or 4 and the app's message (no respawn loop), a worker killed with SIGKILL is
// replaced, a worker whose event loop blocks past --timeout is aborted (worker_abort runs
// if the loop comes back in time) or killed, and workers never outlive a SIGKILLed arbiter.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isAlive, runGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, ARBITER_FIXTURES, HOOKS_CONF, get, Tracked, waitUntil, workersOf, hookLines } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-arbiter-workers-');

after(async () => {
  await tracked.cleanup();
  tmp.remove();
});

describe('arbiter and workers', () => {
  it('an app that throws while loading: exit 3, "Worker failed to boot" with the app\'s message', async () => {
    const run = await runGunicorn(['-w', '2', '-b', '127.0.0.1:0', `${ARBITER_FIXTURES}throws.ts`]);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /Worker failed to boot/);
    assert.match(run.stderr, /cannot reach the database/);
    const boots = run.stderr.split('\n').filter((l) => l.includes('"booting worker"')).length;
    assert.ok(boots <= 2, `no respawn loop (${boots} workers started)`);
  });

  it('an app module without the named export: exit 4, "App failed to load"', async () => {
    const run = await runGunicorn(['-w', '1', '-b', '127.0.0.1:0', `${ARBITER_FIXTURES}missing-export.ts:app`]);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /App failed to load/);
    assert.match(run.stderr, /somethingElse/, 'names what the module does export');
  });

  it('a worker killed with SIGKILL is reported and replaced', async () => {
    const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', APP]);
    const [url] = await server.listening();
    const before = await workersOf(server.pid, 2);
    process.kill(before[0]!, 'SIGKILL');
    const after2 = await waitUntil('a replacement', async () => {
      const now = await workersOf(server.pid, 2);
      return now.includes(before[0]!) ? undefined : now;
    });
    assert.ok(after2.includes(before[1]!), 'the other worker was left alone');
    await server.waitFor('the exit reason', () => server.lines.some((l) => l['worker_pid'] === before[0] && l['signal'] === 'SIGKILL'));
    assert.equal((await get(url!)).status, 200);
    await server.stop();
  });

  it('heartbeat timeout: a blocked worker gets SIGABRT (worker_abort runs once it can) and is replaced', async () => {
    const hookLog = join(tmp.path, 'abort-hooks.jsonl');
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '--timeout', '2', '-c', HOOKS_CONF, APP], { env: { GTS_HOOK_LOG: hookLog } });
    const [url] = await server.listening();
    const [worker] = await workersOf(server.pid, 1);
    // Blocks 3.5 s: past the 2 s timeout, but back before SIGKILL escalation (5 s after SIGABRT).
    const blocked = get(url!, '/block?ms=3500').then((r) => r.status, (err: Error) => err.message);
    await waitUntil('worker_abort in the blocked worker', () => hookLines(hookLog).find((l) => l.hook === 'worker_abort' && l.pid === worker));
    assert.equal(server.logCount(new RegExp(`^WORKER TIMEOUT \\(pid:${worker}\\)$`)), 1);
    await waitUntil('the blocked worker to exit', () => !isAlive(worker!));
    const [replacement] = await workersOf(server.pid, 1);
    assert.notEqual(replacement, worker);
    await blocked;
    assert.equal((await get(url!)).status, 200);
    await server.stop();
  });

  it('heartbeat timeout: a worker that stays blocked is killed with SIGKILL and replaced', async () => {
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '--timeout', '2', APP]);
    const [url] = await server.listening();
    const [worker] = await workersOf(server.pid, 1);
    const blocked = get(url!, '/block?ms=60000').then((r) => `status ${r.status}`, (err: Error) => err.message);
    await server.waitFor('the SIGKILL exit', () => server.lines.some((l) => l['worker_pid'] === worker && l['signal'] === 'SIGKILL'), 30_000);
    assert.match(await blocked, /socket hang up|ECONNRESET/);
    const [replacement] = await workersOf(server.pid, 1);
    assert.notEqual(replacement, worker);
    assert.equal((await get(url!)).status, 200);
    await server.stop();
  });

  it('no orphans: workers exit on their own when the arbiter is SIGKILLed', async () => {
    const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', APP]);
    await server.listening();
    const workers = await workersOf(server.pid, 2);
    process.kill(server.pid, 'SIGKILL');
    await server.exited;
    await waitUntil('every worker to exit', () => workers.every((pid) => !isAlive(pid)), 10_000);
  });
});
