// Warm-up and the memory limit as rails that cannot loop: a worker that replaces nobody still
// serving is ready once booted (so warmup_timeout never kills an idle new server's workers),
// and a max_worker_memory below a fresh worker's memory is said once and suspended.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextDeadline } from '../../src/arbiter/policy/index.js';
import { REPLACEMENT_ATTEMPTS } from '../../src/arbiter/policy/warmup.js';
import { BASE, Sim } from './policy-harness.js';

const MIB = 1024 * 1024;

/** Brings a Sim to the moment worker `pid` (started as described) has just booted. */
interface WarmupCase {
  readonly name: string;
  /** Returns the pid that just booted. */
  readonly setup: (sim: Sim) => number;
  readonly state: 'ready' | 'warming';
}

const CASES: readonly WarmupCase[] = [
  {
    name: 'a first-generation worker',
    setup: (sim) => {
      sim.send({ type: 'start' });
      const [a] = sim.spawnPending();
      sim.send({ type: 'booted', pid: a! });
      return a!;
    },
    state: 'ready',
  },
  {
    name: 'a worker added by TTIN',
    setup: (sim) => {
      sim.startReady();
      sim.send({ type: 'increase-workers' });
      const [t] = sim.spawnPending();
      sim.send({ type: 'booted', pid: t! });
      return t!;
    },
    state: 'ready',
  },
  {
    name: 'the replacement of a worker that crashed',
    setup: (sim) => {
      const [a] = sim.startReady();
      sim.send({ type: 'exited', pid: a!, code: null, signal: 'SIGKILL' });
      const [r] = sim.spawnPending();
      sim.send({ type: 'booted', pid: r! });
      return r!;
    },
    state: 'ready',
  },
  {
    name: 'the replacement of a tired worker still serving',
    setup: (sim) => {
      const [a] = sim.startReady();
      sim.send({ type: 'tired', pid: a! });
      const [r] = sim.spawnPending();
      sim.send({ type: 'booted', pid: r! });
      return r!;
    },
    state: 'warming',
  },
  {
    name: 'a replacement whose tired predecessor died while it warmed',
    setup: (sim) => {
      const [a] = sim.startReady();
      sim.send({ type: 'tired', pid: a! });
      const [r] = sim.spawnPending();
      sim.send({ type: 'booted', pid: r! });
      sim.send({ type: 'exited', pid: a!, code: null, signal: 'SIGSEGV' });
      return r!;
    },
    state: 'ready',
  },
];

describe('warm-up applies only to a worker that replaces another', () => {
  for (const c of CASES) {
    it(`${c.name} is ${c.state} once booted`, () => {
      const sim = new Sim({ workers: 2, warmupTimeout: 3 });
      const pid = c.setup(sim);
      assert.equal(sim.w(pid).state, c.state);
    });
  }

  it('an idle first generation with warmup_timeout keeps its workers: no kill, no respawn, for an hour', () => {
    const sim = new Sim({ workers: 2, warmupTimeout: 3, timeout: 0 });
    sim.send({ type: 'start' });
    const pids = sim.spawnPending();
    for (const pid of pids) sim.send({ type: 'booted', pid });
    for (let t = 1000; t <= 3_600_000; t += 60_000) assert.deepEqual(sim.at(t).send({ type: 'tick' }), []);
    assert.deepEqual(sim.states(), pids.map((p) => `${p}:ready`));
    assert.equal(nextDeadline(sim.state), null, 'nothing pending');
  });
});

const IDLE_READY = 'worker ready: the server got no requests during its warm-up window, nothing to warm on';
const HELD = `${REPLACEMENT_ATTEMPTS} replacement workers in a row failed before they were ready: no more are started; ` +
  'the workers they were to replace keep serving until the next reload';

describe('the end of a replacement\'s warm-up window', () => {
  it('after a HUP on an idle server the replacements are ready at the window\'s end and the old workers retire', () => {
    const sim = new Sim({ workers: 2, warmupTimeout: 2, timeout: 0 });
    const old = sim.startReady();
    sim.at(1000).send({ type: 'reload' });
    const fresh = sim.spawnPending();
    for (const pid of fresh) sim.at(1500).send({ type: 'booted', pid });
    for (const pid of [...old, ...fresh]) sim.at(2500).send({ type: 'beat', pid, requests: 0 });
    assert.equal(nextDeadline(sim.state), 3500);
    const cmds = sim.at(3500).send({ type: 'tick' });
    assert.deepEqual(cmds.map((c) => c.type), ['retire', 'retire']);
    assert.deepEqual(sim.states(), [...old.map((p) => `${p}:draining`), ...fresh.map((p) => `${p}:ready`)]);
    assert.equal(sim.logs(IDLE_READY).length, 2);
    assert.equal(sim.state.failures, 0);
  });

  it('traffic during the window that did not warm the replacement kills it and retries with backoff', () => {
    const sim = new Sim({ workers: 1, warmupTimeout: 2, timeout: 0 });
    const [a] = sim.startReady();
    sim.send({ type: 'reload' });
    const [r] = sim.spawnPending();
    sim.at(100).send({ type: 'booted', pid: r! });
    sim.at(1000).send({ type: 'beat', pid: a!, requests: 40 });
    assert.deepEqual(sim.at(2100).send({ type: 'tick' }), [{ type: 'kill', id: 2, pid: r, signal: 'SIGABRT', reason: 'warmup-timeout' }]);
    assert.equal(sim.state.failures, 1);
    sim.send({ type: 'exited', pid: r!, code: null, signal: 'SIGABRT' });
    assert.deepEqual(sim.send({ type: 'tick' }), [], 'backoff: no respawn at once');
    assert.equal(sim.at(3100).send({ type: 'tick' })[0]?.type, 'spawn');
  });

  it(`after ${REPLACEMENT_ATTEMPTS} failed replacements in a row no more start, said once; the old worker keeps serving until a reload`, () => {
    const sim = new Sim({ workers: 1, warmupTimeout: 2, timeout: 0 });
    const [a] = sim.startReady();
    sim.send({ type: 'reload' });
    let requests = 0;
    for (let attempt = 1; attempt <= REPLACEMENT_ATTEMPTS; attempt++) {
      const [r] = sim.spawnPending();
      assert.ok(r !== undefined, `attempt ${attempt} was started`);
      sim.send({ type: 'booted', pid: r });
      sim.send({ type: 'beat', pid: a!, requests: (requests += 10) });
      sim.at(sim.now + 2000).send({ type: 'tick' });
      sim.send({ type: 'exited', pid: r, code: null, signal: 'SIGABRT' });
      sim.at(sim.now + 60_000).send({ type: 'tick' });
    }
    assert.equal(sim.logs(HELD).length, 1);
    for (let t = 0; t < 60; t++) assert.deepEqual(sim.at(sim.now + 60_000).send({ type: 'tick' }), []);
    assert.deepEqual(sim.states(), [`${a}:tired`]);
    assert.equal(nextDeadline(sim.state), null, 'nothing pending: no retry timer');
    assert.equal(sim.logs(HELD).length, 1, 'said once');
    sim.send({ type: 'reload' });
    assert.equal(sim.spawnPending().length, 1, 'a reload tries again');
  });

  it('a replacement that warms is ready at once, whatever the traffic', () => {
    const sim = new Sim({ workers: 1, warmupTimeout: 2, timeout: 0 });
    const [a] = sim.startReady();
    sim.send({ type: 'tired', pid: a! });
    const [r] = sim.spawnPending();
    sim.send({ type: 'booted', pid: r! });
    sim.send({ type: 'beat', pid: a!, requests: 5 });
    sim.at(500).send({ type: 'warmed', pid: r! });
    assert.equal(sim.w(r!).state, 'ready');
    assert.equal(sim.logs(IDLE_READY).length, 0);
  });
});

describe('max_worker_memory', () => {
  it('a worker above the limit on a heartbeat becomes tired with cause memory', () => {
    const sim = new Sim({ workers: 1, maxWorkerMemory: 150 });
    sim.send({ type: 'start' });
    const [a] = sim.spawnPending();
    sim.send({ type: 'booted', pid: a!, rss: 60 * MIB });
    sim.send({ type: 'beat', pid: a!, requests: 0, rss: 151 * MIB });
    assert.equal(sim.w(a!).tiredCause, 'memory');
  });

  it('below a freshly booted worker: said once, then no worker is recycled for memory', () => {
    const sim = new Sim({ workers: 2, maxWorkerMemory: 50 });
    sim.send({ type: 'start' });
    const pids = sim.spawnPending();
    for (const pid of pids) sim.send({ type: 'booted', pid, rss: 58 * MIB });
    for (const pid of pids) assert.deepEqual(sim.send({ type: 'beat', pid, requests: 1, rss: 70 * MIB }), []);
    assert.equal(sim.logs('max_worker_memory (50 MB) is below what a freshly booted worker uses (58 MB): ' +
      'workers are not recycled for memory until the limit is raised and the server reloaded').length, 1);
    assert.equal(sim.state.memoryLimitSuspended, true);
    assert.deepEqual(sim.states(), pids.map((p) => `${p}:ready`));
  });

  it('a reload with new params lifts the suspension; a reload without keeps it', () => {
    const sim = new Sim({ workers: 1, maxWorkerMemory: 50 });
    sim.send({ type: 'start' });
    const [a] = sim.spawnPending();
    sim.send({ type: 'booted', pid: a!, rss: 58 * MIB });
    sim.send({ type: 'reload' });
    assert.equal(sim.state.memoryLimitSuspended, true);
    sim.send({ type: 'reload', params: { ...BASE, workers: 1, maxWorkerMemory: 200 } });
    assert.equal(sim.state.memoryLimitSuspended, false);
  });
});
