// Restart policy: start, boot, warm, tired with and without wait_for_new_workers, the bound on
// replacements, FIFO order, the memory limit, jitter at spawn, and purity of step().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, step } from '../../src/arbiter/policy/index.js';
import { BASE, Sim, deepFreeze, withoutLogs } from './policy-harness.js';

test('start spawns `workers` workers of generation 0; a first-generation worker is ready once booted', () => {
  const sim = new Sim({ workers: 3 });
  assert.deepEqual(sim.send({ type: 'start' }), [1, 2, 3].map((id) => ({ type: 'spawn', id, generation: 0, maxRequests: 0, replacementFor: null })));
  const [a] = sim.spawnPending();
  assert.equal(sim.w(a!).state, 'booting');
  sim.at(10).send({ type: 'booted', pid: a! });
  assert.equal(sim.w(a!).state, 'ready');
  assert.equal(sim.w(a!).bootedAt, 10);
  assert.equal(sim.w(a!).readyAt, 10);
  assert.deepEqual(sim.at(20).send({ type: 'warmed', pid: a! }), [], 'a late warmed changes nothing');
  assert.equal(sim.state.everBooted, true);
});

test('each spawn carries max_requests plus its own jitter, within bounds', () => {
  const sim = new Sim({ workers: 8, maxRequests: 50, maxRequestsJitter: 10 });
  const spawns = sim.send({ type: 'start' });
  const values = spawns.map((c) => (c.type === 'spawn' ? c.maxRequests : -1));
  for (const v of values) assert.ok(v >= 50 && v <= 60, String(v));
  assert.ok(new Set(values).size > 1, 'jitter varies between workers');
});

test('step never mutates its input and is deterministic', () => {
  const s0 = deepFreeze(initialState({ ...BASE, maxRequests: 10, maxRequestsJitter: 5 }, 99));
  const a = step(s0, { type: 'start' }, 0);
  const b = step(s0, { type: 'start' }, 0);
  assert.deepEqual(a, b);
  assert.equal(s0.workers.length, 0);
});

test('without wait_for_new_workers a tired worker retires at once and is replaced (Gunicorn)', () => {
  const sim = new Sim({ waitForNewWorkers: false });
  const [a] = sim.startReady();
  assert.deepEqual(sim.send({ type: 'tired', pid: a! }), [
    { type: 'retire', id: 1, pid: a, reason: 'tired' },
    { type: 'spawn', id: 3, generation: 0, maxRequests: 0, replacementFor: null },
  ]);
  assert.equal(sim.w(a!).state, 'draining');
});

test('with wait_for_new_workers the tired worker serves until its replacement is ready', () => {
  const sim = new Sim();
  const [a, b] = sim.startReady();
  assert.deepEqual(sim.send({ type: 'tired', pid: a! }), [{ type: 'spawn', id: 3, generation: 0, maxRequests: 0, replacementFor: 1 }]);
  const [r] = sim.spawnPending();
  assert.deepEqual(sim.send({ type: 'booted', pid: r! }), []);
  assert.deepEqual(sim.states(), [`${a}:tired`, `${b}:ready`, `${r}:warming`]);
  assert.deepEqual(sim.send({ type: 'warmed', pid: r! }), [{ type: 'retire', id: 1, pid: a, reason: 'replaced' }]);
  assert.deepEqual(sim.send({ type: 'exited', pid: a!, code: 0, signal: null }), []);
  assert.deepEqual(sim.states(), [`${b}:ready`, `${r}:ready`]);
});

test('a worker tired while warming is replaced too; a repeated tired is ignored', () => {
  const sim = new Sim({ workers: 1 });
  sim.send({ type: 'start' });
  const [a] = sim.spawnPending();
  sim.send({ type: 'booted', pid: a! });
  assert.equal(sim.send({ type: 'tired', pid: a! }).length, 1);
  assert.equal(sim.w(a!).state, 'tired');
  assert.deepEqual(sim.send({ type: 'tired', pid: a! }), []);
});

test('max_restarting_workers bounds replacements under way; the others wait first tired first', () => {
  const sim = new Sim({ workers: 4, maxRestartingWorkers: 1 });
  const [a, b, c] = sim.startReady();
  sim.at(1).send({ type: 'tired', pid: c! });
  sim.at(2).send({ type: 'tired', pid: a! });
  sim.at(3).send({ type: 'tired', pid: b! });
  const spawns = sim.all.filter((x) => x.type === 'spawn' && x.replacementFor !== null);
  assert.deepEqual(spawns.map((x) => x.type === 'spawn' && x.replacementFor), [3], 'only the first tired (c) is being replaced');
  const [r1] = sim.spawnPending();
  assert.deepEqual(sim.makeReady(r1!), [
    { type: 'retire', id: 3, pid: c, reason: 'replaced' },
    { type: 'spawn', id: 6, generation: 0, maxRequests: 0, replacementFor: 1 },
  ]);
  const [r2] = sim.spawnPending();
  const next = sim.makeReady(r2!);
  assert.deepEqual(next.map((x) => x.type === 'spawn' ? `spawn for ${x.replacementFor}` : `${x.type} ${'pid' in x ? x.pid : ''}`), [`retire ${a}`, 'spawn for 2']);
});

test('max_restarting_workers 0 means every tired worker is replaced at once', () => {
  const sim = new Sim({ workers: 3, maxRestartingWorkers: 0 });
  const pids = sim.startReady();
  const spawned = pids.flatMap((pid) => sim.send({ type: 'tired', pid }));
  assert.equal(spawned.filter((x) => x.type === 'spawn').length, 3);
});

test('a ready worker above max_worker_memory becomes tired (cause memory); below or 0 does not', () => {
  const sim = new Sim({ maxWorkerMemory: 100 });
  const [a, b] = sim.startReady();
  sim.send({ type: 'beat', pid: b!, requests: 5, rss: 100 * 1024 * 1024 });
  assert.equal(sim.w(b!).state, 'ready');
  const cmds = sim.send({ type: 'beat', pid: a!, requests: 5, rss: 101 * 1024 * 1024 });
  assert.equal(sim.w(a!).state, 'tired');
  assert.equal(sim.w(a!).tiredCause, 'memory');
  assert.equal(cmds[0]?.type, 'spawn');
  const off = new Sim({ maxWorkerMemory: 0 });
  const [x] = off.startReady();
  off.send({ type: 'beat', pid: x!, requests: 1, rss: 10 ** 12 });
  assert.equal(off.w(x!).state, 'ready');
});

test('messages from unknown pids are ignored (late messages after exit)', () => {
  const sim = new Sim();
  sim.startReady();
  const before = sim.state;
  for (const type of ['booted', 'warmed', 'tired'] as const) assert.deepEqual(sim.send({ type, pid: 999 }), []);
  assert.deepEqual(sim.send({ type: 'exited', pid: 999, code: 0, signal: null }), []);
  assert.deepEqual(sim.state.workers, before.workers);
});

test('spawned for an id never ordered is a shell bug and throws', () => {
  const sim = new Sim();
  sim.startReady();
  assert.throws(() => sim.send({ type: 'spawned', id: 77, pid: 5 }), /not ordered/);
});

test('TTIN spawns one more; TTOU retires the oldest; both call nworkers_changed', () => {
  const sim = new Sim({ workers: 2 });
  const [a] = sim.startReady();
  assert.deepEqual(sim.send({ type: 'increase-workers' }), [
    { type: 'hook-nworkers-changed', newValue: 3, oldValue: 2 },
    { type: 'spawn', id: 3, generation: 0, maxRequests: 0, replacementFor: null },
  ]);
  sim.makeReady(sim.spawnPending()[0]!);
  assert.deepEqual(sim.send({ type: 'decrease-workers' }), [
    { type: 'hook-nworkers-changed', newValue: 2, oldValue: 3 },
    { type: 'retire', id: 1, pid: a, reason: 'excess' },
  ]);
});

test('TTOU does not go below one worker; WINCH drains every worker and keeps running', () => {
  const sim = new Sim({ workers: 1 });
  const [a] = sim.startReady();
  assert.deepEqual(sim.send({ type: 'decrease-workers' }), []);
  assert.deepEqual(sim.send({ type: 'stop-workers' }), [
    { type: 'hook-nworkers-changed', newValue: 0, oldValue: 1 },
    { type: 'retire', id: 1, pid: a, reason: 'excess' },
  ]);
  sim.send({ type: 'exited', pid: a!, code: 0, signal: null });
  assert.equal(sim.state.phase, 'running');
  assert.equal(sim.state.workers.length, 0);
  assert.equal(withoutLogs(sim.all).some((c) => c.type === 'halt'), false);
  assert.equal(sim.send({ type: 'increase-workers' }).filter((c) => c.type === 'spawn').length, 1);
});
