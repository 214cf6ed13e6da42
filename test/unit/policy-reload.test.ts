// Restart policy: HUP generations (always rolling, bounded, with or without
// wait_for_new_workers), new params on reload, boot failure during a reload, TTIN/TTOU while replacements are under way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacity, underway } from '../../src/arbiter/policy/index.js';
import type { PolicyParams } from '../../src/arbiter/policy/index.js';
import { reloadParallelism } from '../../src/arbiter/policy-params.js';
import { BASE, Sim } from './policy-harness.js';

test('HUP: new generation; old workers turn tired (reload) and are replaced one at a time', () => {
  const sim = new Sim({ workers: 3, maxRestartingWorkers: 1 });
  const [a, b, c] = sim.startReady();
  assert.deepEqual(sim.send({ type: 'reload' }), [{ type: 'spawn', id: 4, generation: 1, maxRequests: 0, replacementFor: 1 }]);
  assert.equal(sim.state.generation, 1);
  for (const pid of [a, b, c]) assert.equal(sim.w(pid!).tiredCause, 'reload');
  const order: (number | undefined)[] = [];
  for (let i = 0; i < 3; i++) {
    const [r] = sim.spawnPending();
    for (const cmd of sim.makeReady(r!)) if (cmd.type === 'retire') order.push(cmd.pid);
    assert.ok(capacity(sim.state.workers) >= 3);
    assert.ok(underway(sim.state.workers) <= 1);
  }
  assert.deepEqual(order, [a, b, c]);
  assert.deepEqual(sim.state.workers.filter((w) => w.state === 'ready').map((w) => w.generation), [1, 1, 1]);
});

test('HUP with max_restarting_workers 0 replaces every old worker at once', () => {
  const sim = new Sim({ workers: 3 });
  sim.startReady();
  assert.equal(sim.send({ type: 'reload' }).filter((c) => c.type === 'spawn').length, 3);
});

// HUP never lowers capacity, whatever the options: Gunicorn's own HUP starts the new workers
// and then stops the old ones. wait_for_new_workers only changes max_requests/memory recycling.
const HUP_TABLE: ReadonlyArray<{ readonly name: string; readonly params: Partial<PolicyParams>; readonly firstSpawns: number }> = [
  { name: 'no options (Gunicorn defaults)', params: { workers: 3, waitForNewWorkers: false, maxRestartingWorkers: 0 }, firstSpawns: 3 },
  { name: 'max_restarting_workers 1 alone', params: { workers: 3, waitForNewWorkers: false, maxRestartingWorkers: 1 }, firstSpawns: 1 },
  { name: 'wait_for_new_workers', params: { workers: 3, waitForNewWorkers: true, maxRestartingWorkers: 0 }, firstSpawns: 3 },
  { name: 'wait_for_new_workers + max_restarting_workers 2', params: { workers: 3, waitForNewWorkers: true, maxRestartingWorkers: 2 }, firstSpawns: 2 },
  { name: 'the default pace (reload parallelism 1)', params: { workers: 3, waitForNewWorkers: false, maxRestartingWorkers: 0, reloadParallelism: 1 }, firstSpawns: 1 },
  { name: 'max_restarting_workers 2 over a reload parallelism of 1', params: { workers: 3, maxRestartingWorkers: 2, reloadParallelism: 1 }, firstSpawns: 2 },
];

for (const row of HUP_TABLE) {
  test(`HUP with ${row.name}: old workers retire only once replaced, capacity never below workers`, () => {
    const sim = new Sim(row.params);
    const old = sim.startReady();
    const first = sim.send({ type: 'reload' });
    assert.deepEqual(first.map((c) => c.type), Array<string>(row.firstSpawns).fill('spawn'), 'HUP starts replacements and retires nobody');
    const retired: number[] = [];
    const bound = row.params.maxRestartingWorkers || row.params.reloadParallelism || Infinity;
    while (sim.state.workers.some((w) => w.generation === 0 && w.state === 'tired')) {
      for (const pid of sim.spawnPending()) {
        assert.ok(underway(sim.state.workers) <= bound, 'max_restarting_workers (or the default pace) bounds a HUP');
        for (const cmd of sim.send({ type: 'booted', pid })) if (cmd.type === 'retire') retired.push(cmd.pid);
        assert.ok(capacity(sim.state.workers) >= 3, `capacity ${capacity(sim.state.workers)} after booted`);
        for (const cmd of sim.send({ type: 'warmed', pid })) {
          if (cmd.type !== 'retire') continue;
          assert.equal(cmd.reason, 'replaced');
          retired.push(cmd.pid);
        }
        assert.ok(capacity(sim.state.workers) >= 3, `capacity ${capacity(sim.state.workers)} after warmed`);
      }
    }
    assert.deepEqual(retired, old);
    assert.deepEqual(sim.state.workers.filter((w) => w.state === 'ready').map((w) => w.generation), [1, 1, 1]);
  });
}

test('the default reload pace is half the cores, at least one', () => {
  assert.deepEqual([1, 2, 3, 4, 8, 64].map(reloadParallelism), [1, 1, 1, 2, 4, 32]);
});

test('the reload pace leaves max_requests replacements alone (max_restarting_workers 0 means no bound there)', () => {
  const sim = new Sim({ workers: 3, waitForNewWorkers: true, reloadParallelism: 1 });
  const pids = sim.startReady();
  for (const pid of pids) sim.send({ type: 'tired', pid });
  assert.equal(sim.spawnPending().length, 3);
});

test('without wait_for_new_workers, max_requests still retires at once (Gunicorn recycling), even during a HUP', () => {
  const sim = new Sim({ workers: 2, waitForNewWorkers: false });
  const [a, b] = sim.startReady();
  sim.send({ type: 'reload' });
  assert.deepEqual(sim.states(), [`${a}:tired`, `${b}:tired`, 'null:booting', 'null:booting']);
  const [r1] = sim.spawnPending();
  sim.makeReady(r1!);
  const cmds = sim.send({ type: 'tired', pid: r1! });
  assert.deepEqual(cmds.filter((c) => c.type === 'retire'), [{ type: 'retire', id: 3, pid: r1, reason: 'tired' }]);
});

test('HUP applies new params: fewer workers retire the surplus old ones at once', () => {
  const sim = new Sim({ workers: 3, maxRestartingWorkers: 1 });
  const [a, b, c] = sim.startReady();
  const cmds = sim.send({ type: 'reload', params: { ...BASE, workers: 2, maxRestartingWorkers: 1 } });
  assert.deepEqual(cmds, [
    { type: 'hook-nworkers-changed', newValue: 2, oldValue: 3 },
    { type: 'retire', id: 1, pid: a, reason: 'excess' },
    { type: 'spawn', id: 4, generation: 1, maxRequests: 0, replacementFor: 2 },
  ]);
  assert.deepEqual([sim.w(b!).state, sim.w(c!).state], ['tired', 'tired']);
});

test('a second HUP during a rolling reload: the gen-1 replacement booting is stopped, gen 2 takes over', () => {
  const sim = new Sim({ workers: 2, maxRestartingWorkers: 1 });
  sim.startReady();
  sim.send({ type: 'reload' });
  const [r1] = sim.spawnPending();
  const cmds = sim.send({ type: 'reload' });
  assert.deepEqual(cmds, [
    { type: 'kill', id: 3, pid: r1, signal: 'SIGTERM', reason: 'reload' },
    { type: 'spawn', id: 4, generation: 2, maxRequests: 0, replacementFor: 1 },
  ]);
  sim.send({ type: 'exited', pid: r1!, code: 0, signal: null });
  assert.equal(sim.state.failures, 0, 'a worker stopped for a reload is not a failure');
});

test('boot failure during a reload does not halt: the old generation keeps serving, retried with backoff', () => {
  const sim = new Sim({ workers: 2, maxRestartingWorkers: 1 });
  const [a, b] = sim.startReady();
  sim.at(1000).send({ type: 'reload' });
  const [r] = sim.spawnPending();
  sim.send({ type: 'boot-failed', pid: r!, code: 4, message: 'Cannot find module ./app' });
  assert.deepEqual(sim.send({ type: 'exited', pid: r!, code: 4, signal: null }), []);
  assert.equal(sim.state.phase, 'running');
  assert.deepEqual([sim.w(a!).state, sim.w(b!).state], ['tired', 'tired']);
  assert.equal(sim.state.spawnBlockedUntil, 2000);
  assert.deepEqual(sim.at(1999).send({ type: 'tick' }), []);
  assert.equal(sim.at(2000).send({ type: 'tick' })[0]?.type, 'spawn');
});

test('TTIN during a rolling reload spawns one new-generation worker; capacity never drops', () => {
  const sim = new Sim({ workers: 2, maxRestartingWorkers: 1 });
  sim.startReady();
  sim.send({ type: 'reload' });
  assert.deepEqual(sim.send({ type: 'increase-workers' }), [
    { type: 'hook-nworkers-changed', newValue: 3, oldValue: 2 },
    { type: 'spawn', id: 4, generation: 1, maxRequests: 0, replacementFor: null },
  ]);
  assert.equal(underway(sim.state.workers), 1, 'the fresh worker is not a replacement and does not use the bound');
});

test('TTOU during a rolling reload retires the oldest tired worker nobody is replacing yet', () => {
  const sim = new Sim({ workers: 3, maxRestartingWorkers: 1 });
  const [, b] = sim.startReady();
  sim.send({ type: 'reload' });
  const cmds = sim.send({ type: 'decrease-workers' });
  assert.deepEqual(cmds.slice(1), [{ type: 'retire', id: 2, pid: b, reason: 'excess' }]);
  assert.ok(capacity(sim.state.workers) >= 2);
});

test('TTOU when every tired worker is being replaced: the oldest goes with its replacement', () => {
  const sim = new Sim({ workers: 2, maxRestartingWorkers: 0 });
  const [a, b] = sim.startReady();
  sim.send({ type: 'reload' });
  const [r1, r2] = sim.spawnPending();
  sim.send({ type: 'booted', pid: r1! });
  sim.send({ type: 'booted', pid: r2! });
  const cmds = sim.send({ type: 'decrease-workers' });
  assert.deepEqual(cmds.slice(1), [
    { type: 'retire', id: 1, pid: a, reason: 'excess' },
    { type: 'retire', id: 3, pid: r1, reason: 'excess' },
  ]);
  assert.equal(sim.w(b!).state, 'tired');
  assert.equal(capacity(sim.state.workers), 2);
});
