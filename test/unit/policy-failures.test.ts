// Restart policy: boot failures (halt at startup, backoff later), replacements dying, the tired
// worker dying, unplanned deaths, every time limit and its escalation, graceful and quick stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextDeadline } from '../../src/arbiter/policy/index.js';
import { Sim } from './policy-harness.js';

for (const [code, reason] of [[3, 'Worker failed to boot'], [4, 'App failed to load']] as const) {
  test(`boot failure with code ${code} at startup stops the other workers and halts with ${code}`, () => {
    const sim = new Sim({ workers: 2 });
    sim.send({ type: 'start' });
    const [a, b] = sim.spawnPending();
    // The failed worker exits on its own; it is signalled too so that the halt cannot hang on it.
    assert.deepEqual(sim.send({ type: 'boot-failed', pid: a!, code, message: 'boom' }), [
      { type: 'kill', id: 1, pid: a, signal: 'SIGTERM', reason: 'stop' },
      { type: 'kill', id: 2, pid: b, signal: 'SIGTERM', reason: 'stop' },
    ]);
    assert.equal(sim.state.phase, 'halting');
    assert.deepEqual(sim.send({ type: 'exited', pid: a!, code, signal: null }), []);
    assert.deepEqual(sim.send({ type: 'exited', pid: b!, code: 0, signal: null }), [{ type: 'halt', code, reason }]);
    assert.equal(sim.state.phase, 'halted');
    assert.deepEqual(sim.send({ type: 'tick' }), [], 'a halted policy does nothing');
  });
}

test('exit code 3 from a booting worker at startup halts even without a boot-failed message', () => {
  const sim = new Sim({ workers: 1 });
  sim.send({ type: 'start' });
  const [a] = sim.spawnPending();
  assert.deepEqual(sim.send({ type: 'exited', pid: a!, code: 3, signal: null }), [{ type: 'halt', code: 3, reason: 'Worker failed to boot' }]);
});

test('a crash at startup with another exit code is retried with backoff, not halted', () => {
  const sim = new Sim({ workers: 1 });
  sim.send({ type: 'start' });
  const [a] = sim.spawnPending();
  assert.deepEqual(sim.at(100).send({ type: 'exited', pid: a!, code: 1, signal: null }), []);
  assert.equal(nextDeadline(sim.state), 1100);
  assert.equal(sim.at(1100).send({ type: 'tick' })[0]?.type, 'spawn');
});

test('boot failure after a worker has booted: no halt, backoff doubles, errors logged, reset on ready', () => {
  const sim = new Sim({ workers: 1 });
  const [a] = sim.startReady();
  sim.send({ type: 'exited', pid: a!, code: null, signal: 'SIGKILL' });
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    sim.send({ type: 'tick' });
    const [pid] = sim.spawnPending();
    sim.send({ type: 'boot-failed', pid: pid!, code: 3, message: 'db down' });
    sim.send({ type: 'exited', pid: pid!, code: 3, signal: null });
    delays.push(sim.state.spawnBlockedUntil - sim.now);
    assert.equal(sim.state.phase, 'running');
    sim.at(sim.state.spawnBlockedUntil);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  const failLogs = sim.logs('worker failed before ready');
  assert.deepEqual(failLogs.map((c) => c.type === 'log' && c.level), ['warn', 'error', 'error', 'error', 'error', 'error', 'error']);
  sim.send({ type: 'tick' });
  sim.makeReady(sim.spawnPending()[0]!);
  assert.equal(sim.state.failures, 0);
});

test('an unplanned death of a ready worker is replaced at once', () => {
  const sim = new Sim({ workers: 2 });
  const [a] = sim.startReady();
  assert.deepEqual(sim.send({ type: 'exited', pid: a!, code: null, signal: 'SIGKILL' }), [
    { type: 'spawn', id: 3, generation: 0, maxRequests: 0, replacementFor: null },
  ]);
  assert.equal(sim.logs('worker died').length, 1);
});

test('a replacement dying while warming: the tired worker keeps serving; retried after backoff', () => {
  const sim = new Sim({ workers: 2 });
  const [a] = sim.startReady();
  sim.at(10).send({ type: 'tired', pid: a! });
  const [r] = sim.spawnPending();
  sim.send({ type: 'booted', pid: r! });
  assert.deepEqual(sim.send({ type: 'exited', pid: r!, code: 1, signal: null }), []);
  assert.equal(sim.w(a!).state, 'tired');
  assert.equal(nextDeadline(sim.state), 1010);
  assert.deepEqual(sim.at(1010).send({ type: 'tick' }), [{ type: 'spawn', id: 4, generation: 0, maxRequests: 0, replacementFor: 1 }]);
});

test('the tired worker dying while its replacement warms: the replacement takes its slot, no extra spawn', () => {
  const sim = new Sim({ workers: 2 });
  const [a, b] = sim.startReady();
  sim.send({ type: 'tired', pid: a! });
  const [r] = sim.spawnPending();
  sim.send({ type: 'booted', pid: r! });
  assert.deepEqual(sim.send({ type: 'exited', pid: a!, code: null, signal: 'SIGSEGV' }), []);
  assert.deepEqual(sim.makeReady(r!), [], 'nothing left to retire');
  assert.deepEqual(sim.states(), [`${b}:ready`, `${r}:ready`]);
  assert.equal(sim.state.failures, 0);
});

test('spawn-failed counts as a failure and is retried after backoff', () => {
  const sim = new Sim({ workers: 1 });
  sim.send({ type: 'start' });
  assert.deepEqual(sim.send({ type: 'spawn-failed', id: 1, message: 'EAGAIN' }), []);
  assert.equal(sim.state.workers.length, 0);
  assert.equal(sim.at(1000).send({ type: 'tick' })[0]?.type, 'spawn');
});

test('boot timeout (timeout): SIGABRT, then SIGKILL after 5 s; counted as a failure', () => {
  const sim = new Sim({ workers: 1, timeout: 30 });
  sim.send({ type: 'start' });
  const [a] = sim.spawnPending();
  assert.equal(nextDeadline(sim.state), 30_000);
  assert.deepEqual(sim.at(29_999).send({ type: 'tick' }), []);
  assert.deepEqual(sim.at(30_000).send({ type: 'tick' }), [{ type: 'kill', id: 1, pid: a, signal: 'SIGABRT', reason: 'boot-timeout' }]);
  assert.equal(sim.state.failures, 1);
  assert.equal(nextDeadline(sim.state), 31_000, 'the respawn waits for the backoff');
  assert.deepEqual(sim.at(31_000).send({ type: 'tick' }), [{ type: 'spawn', id: 2, generation: 0, maxRequests: 0, replacementFor: null }]);
  const [b] = sim.spawnPending();
  assert.deepEqual(sim.at(35_000).send({ type: 'tick' }), [{ type: 'kill', id: 1, pid: a, signal: 'SIGKILL', reason: 'escalation' }]);
  sim.send({ type: 'exited', pid: a!, code: null, signal: 'SIGKILL' });
  assert.equal(sim.state.failures, 1, 'counted once, at the kill');
  assert.equal(nextDeadline(sim.state), sim.w(b!).spawnedAt + 30_000);
});

test('heartbeat silence of a ready worker: SIGABRT at timeout, beats push the deadline', () => {
  const sim = new Sim({ workers: 1, timeout: 10 });
  const [a] = sim.startReady();
  sim.at(8000).send({ type: 'beat', pid: a!, requests: 3 });
  assert.equal(nextDeadline(sim.state), 18_000);
  // The stuck worker no longer counts: its successor starts at once, not after the exit.
  assert.deepEqual(sim.at(18_000).send({ type: 'tick' }), [
    { type: 'kill', id: 1, pid: a, signal: 'SIGABRT', reason: 'timeout' },
    { type: 'spawn', id: 2, generation: 0, maxRequests: 0, replacementFor: null },
  ]);
  assert.deepEqual(sim.send({ type: 'exited', pid: a!, code: null, signal: 'SIGABRT' }), []);
  assert.equal(sim.state.failures, 0, 'it had been ready: a timeout is not a boot failure');
});

test('timeout 0 disables heartbeat and boot limits', () => {
  const sim = new Sim({ workers: 1, timeout: 0, warmupTimeout: 0 });
  sim.send({ type: 'start' });
  const [a] = sim.spawnPending();
  sim.send({ type: 'booted', pid: a! });
  assert.equal(nextDeadline(sim.state), null);
});

test('warmup timeout kills a replacement stuck warming; the tired worker keeps serving', () => {
  const sim = new Sim({ workers: 1, timeout: 30, warmupTimeout: 20 });
  const [a] = sim.startReady();
  sim.send({ type: 'tired', pid: a! });
  const [r] = sim.spawnPending();
  sim.at(1000).send({ type: 'booted', pid: r! });
  sim.at(15_000).send({ type: 'beat', pid: r!, requests: 1 });
  sim.send({ type: 'beat', pid: a!, requests: 90 });
  assert.equal(nextDeadline(sim.state), 21_000);
  assert.deepEqual(sim.at(21_000).send({ type: 'tick' }), [{ type: 'kill', id: 2, pid: r, signal: 'SIGABRT', reason: 'warmup-timeout' }]);
  sim.send({ type: 'exited', pid: r!, code: null, signal: 'SIGABRT' });
  assert.equal(sim.w(a!).state, 'tired');
  assert.equal(sim.state.failures, 1);
});

test('draining longer than graceful_timeout gets SIGKILL (never before the retire)', () => {
  const sim = new Sim({ workers: 1, gracefulTimeout: 30 });
  const [a] = sim.startReady();
  sim.send({ type: 'tired', pid: a! });
  const [r] = sim.spawnPending();
  sim.at(500).makeReady(r!);
  assert.equal(sim.w(a!).drainSentAt, 500);
  assert.deepEqual(sim.at(30_499).send({ type: 'tick' }).filter((c) => c.type === 'kill'), []);
  assert.deepEqual(sim.at(30_500).send({ type: 'tick' }).filter((c) => 'pid' in c && c.pid === a), [
    { type: 'kill', id: 1, pid: a, signal: 'SIGKILL', reason: 'graceful-timeout' },
  ]);
  assert.deepEqual(sim.send({ type: 'exited', pid: a!, code: null, signal: 'SIGKILL' }), []);
});

test('graceful stop: retire everyone, SIGTERM the booting, SIGKILL stragglers, halt 0 when empty', () => {
  const sim = new Sim({ workers: 2, gracefulTimeout: 30 });
  const [a, b] = sim.startReady();
  sim.send({ type: 'increase-workers' });
  const [c] = sim.spawnPending();
  assert.deepEqual(sim.at(1000).send({ type: 'graceful-stop' }), [
    { type: 'retire', id: 1, pid: a, reason: 'stop' },
    { type: 'retire', id: 2, pid: b, reason: 'stop' },
    { type: 'kill', id: 3, pid: c, signal: 'SIGTERM', reason: 'stop' },
  ]);
  sim.send({ type: 'exited', pid: a!, code: 0, signal: null });
  sim.send({ type: 'exited', pid: c!, code: 0, signal: null });
  assert.deepEqual(sim.send({ type: 'tired', pid: b! }), [], 'no replacement while stopping');
  assert.deepEqual(sim.at(31_000).send({ type: 'tick' }), [{ type: 'kill', id: 2, pid: b, signal: 'SIGKILL', reason: 'graceful-timeout' }]);
  assert.deepEqual(sim.send({ type: 'exited', pid: b!, code: null, signal: 'SIGKILL' }), [{ type: 'halt', code: 0, reason: 'graceful stop' }]);
});

test('a worker spawned but not yet forked when stopping is stopped once the shell reports it', () => {
  const sim = new Sim({ workers: 1 });
  sim.send({ type: 'start' });
  assert.deepEqual(sim.send({ type: 'graceful-stop' }), []);
  assert.deepEqual(sim.send({ type: 'spawned', id: 1, pid: 77 }), [{ type: 'kill', id: 1, pid: 77, signal: 'SIGTERM', reason: 'stop' }]);
  assert.deepEqual(sim.send({ type: 'exited', pid: 77, code: 0, signal: null }), [{ type: 'halt', code: 0, reason: 'graceful stop' }]);
});

test('quick stop: SIGQUIT to all (draining ones too), SIGKILL after 5 s, halt 0', () => {
  const sim = new Sim({ workers: 2 });
  const [a, b] = sim.startReady();
  sim.send({ type: 'graceful-stop' });
  assert.deepEqual(sim.at(100).send({ type: 'quick-stop' }), [
    { type: 'kill', id: 1, pid: a, signal: 'SIGQUIT', reason: 'quit' },
    { type: 'kill', id: 2, pid: b, signal: 'SIGQUIT', reason: 'quit' },
  ]);
  sim.send({ type: 'exited', pid: a!, code: 0, signal: null });
  assert.deepEqual(sim.at(5100).send({ type: 'tick' }), [{ type: 'kill', id: 2, pid: b, signal: 'SIGKILL', reason: 'escalation' }]);
  assert.deepEqual(sim.send({ type: 'exited', pid: b!, code: null, signal: 'SIGKILL' }), [{ type: 'halt', code: 0, reason: 'graceful stop' }]);
});

test('stop before start halts at once', () => {
  const sim = new Sim();
  assert.deepEqual(sim.send({ type: 'graceful-stop' }), [{ type: 'halt', code: 0, reason: 'graceful stop' }]);
});

test('boot reports: the first is logged in full, an identical one of the same generation by a short line, a different or later-generation one in full', () => {
  const sim = new Sim({ workers: 1 });
  const [a] = sim.startReady();
  sim.send({ type: 'reload' });
  const fail = (message: string): string[] => {
    sim.at(Math.max(sim.now, sim.state.spawnBlockedUntil)).send({ type: 'tick' });
    sim.spawnPending();
    const pid = sim.state.workers.find((w) => w.generation === sim.state.generation && w.state === 'booting')?.pid;
    const seen = sim.all.length;
    sim.send({ type: 'boot-failed', pid: pid!, code: 3, message, stack: `Error: ${message}\n    at /app.ts:2:7` });
    const out = sim.all.slice(seen);
    sim.send({ type: 'exited', pid: pid!, code: 3, signal: null });
    return out.flatMap((c) => (c.type === 'log' && c.level === 'error' ? [c.msg + (c.fields.stack === undefined ? '' : ' +stack')] : []));
  };
  assert.deepEqual(fail('db down'), ['Worker failed to boot: db down +stack']);
  assert.deepEqual(fail('db down'), ['Worker failed to boot (the same error as worker 2)']);
  assert.deepEqual(fail('disk full'), ['Worker failed to boot: disk full +stack']);
  assert.deepEqual(fail('db down'), ['Worker failed to boot: db down +stack'], 'only the last report is remembered');
  sim.send({ type: 'reload' });
  assert.deepEqual(fail('db down'), ['Worker failed to boot: db down +stack'], 'a new generation is reported in full');
  assert.ok(a);
});
