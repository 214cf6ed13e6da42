// Server hooks with the real binary: each hook of test/fixtures/arbiter/hooks.conf.mjs
// appends {hook, pid, ...arguments} to a file, so the order, the process each runs in and
// the arguments are checked. A throwing hook is logged and the server keeps running;
// on_starting throwing stops startup with exit 1.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, runGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, get, HOOKS_CONF, servedBy, Tracked, waitUntil, workersOf, hookLines, type HookLine } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-arbiter-hooks-');

after(async () => {
  await tracked.cleanup();
  tmp.remove();
});

function waitHook(path: string, hook: string, where: (l: HookLine) => boolean = () => true): Promise<HookLine> {
  return waitUntil(`the ${hook} hook`, () => hookLines(path).find((l) => l.hook === hook && where(l)));
}

function indexOf(lines: readonly HookLine[], hook: string, where: (l: HookLine) => boolean = () => true): number {
  return lines.findIndex((l) => l.hook === hook && where(l));
}

describe('server hooks', () => {
  it('fire in order, in the right process, with their arguments', async () => {
    const log = join(tmp.path, 'order.jsonl');
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-c', HOOKS_CONF, APP], { env: { GTS_HOOK_LOG: log } });
    const [url] = await server.listening();
    const [worker] = await workersOf(server.pid, 1);
    await waitHook(log, 'post_worker_init');
    const reply = await get(url!, '/hello');
    assert.equal(servedBy(reply), worker);
    await waitHook(log, 'post_request');

    server.signal('SIGTTIN');
    await waitHook(log, 'nworkers_changed', (l) => l['newValue'] === 2);
    const [, second] = await workersOf(server.pid, 2).then((pids) => [pids.find((p) => p === worker), pids.find((p) => p !== worker)]);
    await waitHook(log, 'post_worker_init', (l) => l.pid === second);
    server.signal('SIGHUP');
    await waitHook(log, 'on_reload');
    await waitUntil('both first-generation workers to exit', () => !isAlive(worker!) && !isAlive(second!));
    await waitHook(log, 'worker_exit', (l) => l.worker?.pid === second);
    // HUP re-reads the configuration: back to -w 1, as in Gunicorn.
    await workersOf(server.pid, 1);
    await waitHook(log, 'post_worker_init', (l) => l.worker?.generation === 1);
    server.signal('SIGTERM');
    assert.equal((await server.exited).code, 0);

    const lines = hookLines(log);
    const master = server.pid;
    const at = (hook: string, where?: (l: HookLine) => boolean): number => {
      const i = indexOf(lines, hook, where);
      assert.ok(i >= 0, `${hook} ran (got ${lines.map((l) => l.hook).join(', ')})`);
      return i;
    };
    // Startup, in Gunicorn's order; the arbiter hooks run in the arbiter.
    assert.ok(at('on_starting') < at('when_ready'));
    assert.ok(at('when_ready') < at('pre_fork'));
    assert.ok(at('pre_fork') < at('post_fork'));
    for (const hook of ['on_starting', 'when_ready', 'pre_fork', 'post_fork', 'nworkers_changed', 'on_reload', 'child_exit', 'on_exit']) {
      assert.ok(lines.filter((l) => l.hook === hook).every((l) => l.pid === master), `${hook} runs in the arbiter`);
    }
    const preFork = lines[at('pre_fork')]!;
    assert.equal(preFork.worker?.pid, 0, 'pre_fork: the process does not exist yet');
    assert.equal(lines[at('post_fork')]!.worker?.pid, worker);
    // Worker hooks run in the worker, with the worker's own view.
    const init = lines[at('post_worker_init', (l) => l.pid === worker)]!;
    assert.deepEqual(init.worker, { id: 1, pid: worker, generation: 0 });
    const pre = at('pre_request', (l) => l.url === '/hello');
    const post = at('post_request', (l) => l.url === '/hello');
    assert.ok(pre < post);
    assert.equal(lines[pre]!.pid, worker);
    assert.equal(lines[post]!['status'], 200);
    // nworkers_changed(server, 1, null) first, as Gunicorn sets its worker count; TTIN: (2, 1).
    assert.equal(lines[0]?.hook, 'nworkers_changed');
    assert.deepEqual([lines[0]?.['newValue'], lines[0]?.['oldValue']], [1, null]);
    const changed = lines[at('nworkers_changed', (l) => l['oldValue'] === 1)]!;
    assert.equal(changed['newValue'], 2);
    // HUP: on_reload, then the old generation leaves; both exit hooks name the worker.
    // worker_exit runs in the worker itself, as in Gunicorn, and before the arbiter's child_exit.
    const reload = at('on_reload');
    assert.ok(at('worker_exit', (l) => l.worker?.pid === worker) > reload);
    assert.equal(lines[at('worker_exit', (l) => l.worker?.pid === worker)]!.pid, worker, 'worker_exit runs in the worker');
    assert.equal(lines[at('worker_exit', (l) => l.worker?.pid === worker)]!['serverPid'], master, 'its server is the arbiter');
    assert.ok(at('worker_exit', (l) => l.worker?.pid === worker) < at('child_exit', (l) => l.worker?.pid === worker));
    assert.ok(at('child_exit', (l) => l.worker?.pid === worker) > reload);
    assert.ok(lines.some((l) => l.hook === 'post_worker_init' && l.worker?.generation === 1), 'new generation booted');
    // on_exit is last.
    assert.equal(lines.at(-1)?.hook, 'on_exit');
  });

  it('worker_int runs in the worker on INT', async () => {
    const log = join(tmp.path, 'int.jsonl');
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-c', HOOKS_CONF, APP], { env: { GTS_HOOK_LOG: log } });
    await server.listening();
    const [worker] = await workersOf(server.pid, 1);
    await waitHook(log, 'post_worker_init');
    server.signal('SIGINT');
    assert.equal((await server.exited).code, 0);
    const line = hookLines(log).find((l) => l.hook === 'worker_int');
    assert.equal(line?.pid, worker);
  });

  it('pre_exec runs in the old master on USR2', async () => {
    const log = join(tmp.path, 'exec.jsonl');
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-c', HOOKS_CONF, APP], { env: { GTS_HOOK_LOG: log } });
    await server.listening();
    await workersOf(server.pid, 1);
    server.signal('SIGUSR2');
    const pre = await waitHook(log, 'pre_exec');
    assert.equal(pre.pid, server.pid);
    const started = await waitHook(log, 'when_ready', (l) => l.pid !== server.pid);
    tracked.pid(started.pid);
    const lines = hookLines(log);
    assert.ok(indexOf(lines, 'pre_exec') < indexOf(lines, 'on_starting', (l) => l.pid === started.pid), 'pre_exec runs before the new master starts');
    await workersOf(started.pid, 1);
    await server.stop();
  });

  it('a hook that throws is logged with its name and the server keeps serving', async () => {
    const log = join(tmp.path, 'throws.jsonl');
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-c', HOOKS_CONF, APP], { env: { GTS_HOOK_LOG: log, GTS_HOOK_THROW: 'post_fork' } });
    const [url] = await server.listening();
    await server.waitFor('the hook error', () => server.lines.find((l) => l['hook'] === 'post_fork' && l.level === 'error'));
    assert.ok(server.logCount(/Exception in post_fork hook/) >= 1);
    await workersOf(server.pid, 1);
    assert.equal((await get(url!)).status, 200);
    await server.stop();
  });

  it('on_starting throwing stops startup with a clear error and exit 1', async () => {
    const log = join(tmp.path, 'starting.jsonl');
    const run = await runGunicorn(['-w', '1', '-b', '127.0.0.1:0', '-c', HOOKS_CONF, APP], { env: { GTS_HOOK_LOG: log, GTS_HOOK_THROW: 'on_starting' } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error: on_starting hook failed: hook on_starting failed on purpose/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(hookLines(log).map((l) => l.hook), ['nworkers_changed', 'on_starting'], 'nothing after on_starting');
  });

  it('when_ready throwing stops startup with exit 1 and leaves no pidfile or socket file', async () => {
    const log = join(tmp.path, 'ready.jsonl');
    const pidfile = join(tmp.path, 'ready.pid');
    const sock = join(tmp.path, 'ready.sock');
    const run = await runGunicorn(['-w', '1', '-b', `unix:${sock}`, '-p', pidfile, '-c', HOOKS_CONF, APP], { env: { GTS_HOOK_LOG: log, GTS_HOOK_THROW: 'when_ready' } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /error: when_ready hook failed: hook when_ready failed on purpose/);
    assert.equal(existsSync(pidfile), false);
    assert.equal(existsSync(sock), false);
    assert.equal(hookLines(log).some((l) => l.hook === 'pre_fork'), false, 'no worker started');
  });
});
