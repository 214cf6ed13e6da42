// Warm-up and the memory limit as rails that cannot loop: a worker that replaces nobody still
// serving is ready once booted (so warmup_timeout never kills an idle new server's workers),
// and a max_worker_memory below a fresh worker's memory is said once and suspended.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextDeadline } from '../../src/arbiter/policy/index.js';
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
