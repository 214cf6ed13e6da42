// Policy state → metrics: life events between successive states (boots, retirements by
// cause, replacement durations), workers by state, per-worker samples, and /healthz.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyState } from '../../src/arbiter/policy/index.js';
import { health } from '../../src/metrics/health.js';
import { workersByState, workerSamples } from '../../src/metrics/gauges.js';
import { lifecycleChanges } from '../../src/metrics/lifecycle.js';
import type { RetirementCause } from '../../src/metrics/lifecycle.js';
import { Sim } from './policy-harness.js';

/** A Sim whose every step is diffed, as MetricsService.observe does after each dispatch. */
function observed(params: ConstructorParameters<typeof Sim>[0]): { sim: Sim; boots: () => number; causes: RetirementCause[]; replacements: number[] } {
  const sim = new Sim(params);
  const causes: RetirementCause[] = [];
  const replacements: number[] = [];
  let boots = 0;
  const send = sim.send.bind(sim);
  sim.send = (event) => {
    const prev = sim.state;
    const result = send(event);
    const changes = lifecycleChanges(prev, sim.state);
    boots += changes.boots;
    causes.push(...changes.retirements);
    replacements.push(...changes.replacementSeconds);
    return result;
  };
  return { sim, boots: () => boots, causes, replacements };
}

describe('lifecycleChanges', () => {
  it('counts boots once per worker', () => {
    const o = observed({ workers: 3 });
    o.sim.startReady();
    assert.equal(o.boots(), 3);
  });

  it('a max_requests replacement: cause max_requests, duration from tired to the replacement ready', () => {
    const o = observed({ workers: 1, maxRequests: 10 });
    const [old] = o.sim.startReady();
    o.sim.at(1000).send({ type: 'tired', pid: old! });
    const [fresh] = o.sim.spawnPending();
    o.sim.at(3500).makeReady(fresh!);
    o.sim.at(4000).send({ type: 'exited', pid: old!, code: 0, signal: null });
    assert.deepEqual(o.causes, ['max_requests']);
    assert.deepEqual(o.replacements, [2.5]);
    assert.equal(o.boots(), 2);
  });

  it('a worker that dies unasked is a crash; a HUP replacement is a reload', () => {
    const o = observed({ workers: 1 });
    const [first] = o.sim.startReady();
    o.sim.send({ type: 'exited', pid: first!, code: 1, signal: null });
    const [second] = o.sim.at(60_000).spawnPending();
    o.sim.makeReady(second!);
    o.sim.send({ type: 'reload' });
    const [third] = o.sim.spawnPending();
    o.sim.makeReady(third!);
    o.sim.send({ type: 'exited', pid: second!, code: 0, signal: null });
    assert.deepEqual(o.causes, ['crash', 'reload']);
  });

  it('a worker killed for a missed heartbeat is a timeout', () => {
    const o = observed({ workers: 1, timeout: 5 });
    const [pid] = o.sim.startReady();
    o.sim.at(10_000).send({ type: 'tick' });
    assert.equal(o.sim.w(pid!).state, 'killing');
    o.sim.send({ type: 'exited', pid: pid!, code: null, signal: 'SIGABRT' });
    assert.deepEqual(o.causes, ['timeout']);
  });

  it('TERM: every worker retires with cause shutdown; TTOU: scale_down', () => {
    const o = observed({ workers: 3 });
    const pids = o.sim.startReady();
    o.sim.send({ type: 'decrease-workers' });
    const gone = pids.find((p) => o.sim.w(p).state === 'draining')!;
    o.sim.send({ type: 'exited', pid: gone, code: 0, signal: null });
    o.sim.send({ type: 'graceful-stop' });
    for (const p of pids.filter((x) => x !== gone)) o.sim.send({ type: 'exited', pid: p, code: 0, signal: null });
    assert.deepEqual(o.causes, ['scale_down', 'shutdown', 'shutdown']);
  });

  it('reports new pids with their worker id, and the ids that left', () => {
    const sim = new Sim({ workers: 1 });
    sim.send({ type: 'start' });
    const before = sim.state;
    const [pid] = sim.spawnPending();
    const id = sim.w(pid!).id;
    assert.deepEqual(lifecycleChanges(before, sim.state).pids, [[pid, id]]);
    sim.makeReady(pid!);
    const ready = sim.state;
    sim.send({ type: 'exited', pid: pid!, code: 0, signal: null });
    assert.deepEqual(lifecycleChanges(ready, sim.state).gone, [id]);
  });
});

describe('gauges', () => {
  it('counts workers by state, every state present (a first worker is ready once booted, a replacement warms)', () => {
    const sim = new Sim({ workers: 2 });
    sim.send({ type: 'start' });
    const [a] = sim.spawnPending();
    sim.send({ type: 'booted', pid: a! });
    assert.deepEqual(workersByState(sim.state), { booting: 1, warming: 0, ready: 1, tired: 0, draining: 0, killing: 0 });
    sim.send({ type: 'tired', pid: a! });
    const [r] = sim.spawnPending();
    sim.send({ type: 'booted', pid: r! });
    assert.deepEqual(workersByState(sim.state), { booting: 1, warming: 1, ready: 0, tired: 1, draining: 0, killing: 0 });
  });

  it('samples each worker with a pid: requests and rss from its last beat', () => {
    const sim = new Sim({ workers: 2 });
    const [a, b] = sim.startReady();
    sim.send({ type: 'beat', pid: a!, requests: 7, rss: 4096 });
    assert.deepEqual(workerSamples(sim.state), [
      { pid: a, generation: 0, requests: 7, rss: 4096 },
      { pid: b, generation: 0, requests: 0, rss: undefined },
    ]);
  });
});

describe('health', () => {
  function ready(workers: number): PolicyState {
    const sim = new Sim({ workers });
    sim.startReady();
    return sim.state;
  }

  it('is ok once `workers` workers are ready, and says how many', () => {
    assert.deepEqual(health(ready(2), null), { ok: true, status: 'ok', serving: 2, required: 2, phase: 'running' });
  });

  it('is unavailable while fewer are ready', () => {
    const sim = new Sim({ workers: 2 });
    sim.send({ type: 'start' });
    const [a] = sim.spawnPending();
    sim.makeReady(a!);
    const h = health(sim.state, null);
    assert.equal(h.ok, false);
    assert.equal(h.reason, '1 of 2 workers ready');
  });

  it('counts a tired worker that still serves', () => {
    const sim = new Sim({ workers: 1, maxRequests: 5 });
    const [a] = sim.startReady();
    sim.send({ type: 'tired', pid: a! });
    assert.equal(health(sim.state, null).ok, true);
  });

  it('is unavailable as soon as the arbiter is told to shut down, before the policy has acted', () => {
    const h = health(ready(1), 'SIGTERM');
    assert.equal(h.ok, false);
    assert.equal(h.reason, 'shutting down (SIGTERM)');
  });

  it('is unavailable while stopping even without the flag', () => {
    const sim = new Sim({ workers: 1 });
    sim.startReady();
    sim.send({ type: 'graceful-stop' });
    assert.equal(health(sim.state, null).reason, 'shutting down (stopping)');
  });
});
