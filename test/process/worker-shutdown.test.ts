// The app's cleanup as its worker stops, through the real binary: worker_exit, Fastify's
// onClose hooks, the app's own SIGTERM listener and its beforeExit listener (emitted again
// after the work it scheduled, as Node does) all run in the worker (the pid each line
// carries), in the documented order, on a HUP retirement and on TERM; an app whose cleanup
// never finishes is cut off at graceful_timeout with a log line saying so.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir.js';
import { isAlive } from '../helpers/server.js';
import { readText, Tracked, waitUntil, workersOf } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-worker-shutdown-');
after(async () => {
  await tracked.cleanup();
  tmp.remove();
});

interface Line { readonly what: string; readonly pid: number; readonly worker?: number; readonly server?: number }

const lines = (path: string): Line[] => readText(path).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);

describe('app shutdown in the worker', () => {
  it('runs worker_exit, then Fastify onClose, then the SIGTERM listener, then beforeExit, in the worker, on HUP and on TERM', async () => {
    const log = join(tmp.path, 'order.jsonl');
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-c', 'shutdown/hooks.conf.mjs', 'shutdown/fastify-cleanup.ts:app'], { env: { GTS_SHUTDOWN_LOG: log } });
    await server.listening();
    await server.waitFor('a booted worker', () => server.bootedPids().length >= 1, 30_000);
    const [first] = await workersOf(server.pid, 1);
    server.signal('SIGHUP');
    await waitUntil('the first worker to exit', () => !isAlive(first!));
    const [second] = await waitUntil('the replacement', async () => {
      const pids = await workersOf(server.pid, 1, 30_000);
      return pids[0] !== first ? pids : undefined;
    });
    await server.waitFor('the replacement booted', () => server.bootedPids().includes(second!), 30_000);
    server.signal('SIGTERM');
    assert.equal((await server.exited).code, 0);

    for (const pid of [first!, second!]) {
      const mine = lines(log).filter((l) => l.pid === pid);
      assert.deepEqual(
        mine.map((l) => l.what),
        ['worker_exit', 'onClose', 'SIGTERM listener', 'beforeExit(0)', 'telemetry flushed', 'beforeExit(0)'],
        `worker ${pid}: ${readText(log)}`,
      );
      assert.equal(mine[0]?.worker, pid, 'worker_exit receives its own worker');
      assert.equal(mine[0]?.server, server.pid, 'and the arbiter as server');
    }
    assert.equal(lines(log).length, 12, 'nothing ran in the arbiter');
  });

  const cutOffs = [
    { app: 'shutdown/hanging-close.mjs', what: 'an app whose close() never finishes', step: "waiting for the app's close\\(\\)" },
    { app: 'shutdown/endless-before-exit.mjs', what: 'a beforeExit listener that schedules work on every call', step: "running the app's beforeExit listeners" },
  ];
  for (const { app, what, step } of cutOffs) {
    it(`cuts off ${what} at graceful_timeout, saying so`, async () => {
      const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '--graceful-timeout', '1', app]);
      await server.listening();
      const [worker] = await server.waitFor('a booted worker', () => server.bootedPids().length >= 1 && server.bootedPids(), 30_000);
      server.signal('SIGTERM');
      const line = await server.waitForLog(/graceful_timeout/);
      assert.match(line.msg ?? '', new RegExp(`^Worker exiting \\(graceful_timeout of 1s reached while ${step}; cut off\\)$`));
      assert.equal(line.pid, worker, 'the worker logs it');
      assert.equal((await server.exited).code, 0);
    });
  }
});
