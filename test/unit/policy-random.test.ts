// Randomized check of the restart policy's invariants: thousands of seeded, deterministic
// event sequences (a shell that answers spawns, workers that boot, warm, tire, crash, hang,
// and an operator sending signals), each checked after every step and driven to a clean halt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capacity, underway } from '../../src/arbiter/policy/index.js';
import type { PolicyEvent, PolicyParams, WorkerRecord } from '../../src/arbiter/policy/index.js';
import { BASE, type Cmd, Sim } from './policy-harness.js';

/** mulberry32, kept here so the test does not depend on the code it checks. */
function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(r() * xs.length)] : undefined);
const pidsIn = (sim: Sim, ...states: string[]): number[] =>
  sim.state.workers.filter((w) => w.pid !== null && states.includes(w.state)).map((w) => w.pid!);

/** Events that are not failures nor operator reductions: capacity must not drop because of them. */
const PLANNED = new Set(['spawned', 'booted', 'warmed', 'beat', 'tired', 'increase-workers', 'reload', 'start']);

function randomParams(r: Rand): PolicyParams {
  return {
    ...BASE,
    workers: 1 + Math.floor(r() * 4),
    waitForNewWorkers: r() < 0.8,
    maxRestartingWorkers: Math.floor(r() * 3), reloadParallelism: Math.floor(r() * 3),
    maxRequests: 100, maxRequestsJitter: 10,
    timeout: 10 + Math.floor(r() * 20), warmupTimeout: Math.floor(r() * 30),
    gracefulTimeout: 5 + Math.floor(r() * 20), maxWorkerMemory: r() < 0.5 ? 100 : 0,
  };
}

/** One random event the world could produce now, or null when the roll finds nothing to act on. */
function randomEvent(r: Rand, sim: Sim): PolicyEvent | null {
  const roll = r() * 100;
  const unforked = sim.state.workers.filter((w) => w.pid === null).map((w) => w.id);
  if (roll < 15) { const id = pick(r, unforked); return id === undefined ? null : { type: 'spawned', id, pid: 10_000 + Math.floor(r() * 1e9) }; }
  if (roll < 27) { const pid = pick(r, pidsIn(sim, 'booting')); return pid ? { type: 'booted', pid } : null; }
  if (roll < 39) { const pid = pick(r, pidsIn(sim, 'warming')); return pid ? { type: 'warmed', pid } : null; }
  if (roll < 48) { const pid = pick(r, pidsIn(sim, 'warming', 'ready')); return pid ? { type: 'tired', pid } : null; }
  if (roll < 54) { const pid = pick(r, pidsIn(sim, 'warming', 'ready', 'tired')); return pid ? { type: 'beat', pid, requests: 1, rss: r() * 120 * 2 ** 20 } : null; }
  if (roll < 68) { const pid = pick(r, pidsIn(sim, 'draining', 'killing')); return pid ? { type: 'exited', pid, code: 0, signal: null } : null; }
  if (roll < 71) { const pid = pick(r, pidsIn(sim, 'booting', 'warming', 'ready', 'tired')); return pid ? { type: 'exited', pid, code: null, signal: 'SIGKILL' } : null; }
  if (roll < 72) { const pid = pick(r, pidsIn(sim, 'booting')); return pid ? { type: 'boot-failed', pid, code: 3 + Math.floor(r() * 2), message: 'x' } : null; }
  if (roll < 73) { const id = pick(r, unforked); return id === undefined ? null : { type: 'spawn-failed', id, message: 'EAGAIN' }; }
  if (roll < 88) { sim.now += Math.floor(r() * 12_000); return { type: 'tick' }; }
  if (roll < 91) return { type: 'reload' };
  if (roll < 94) return { type: 'increase-workers' };
  if (roll < 97) return { type: 'decrease-workers' };
  if (roll < 97.5) return { type: 'stop-workers' };
  if (roll < 97.8) return { type: 'graceful-stop' };
  if (roll < 97.9) return { type: 'quick-stop' };
  return null;
}

interface Seen { softSignalled: Set<number> }

function checkStep(sim: Sim, before: readonly WorkerRecord[], beforeTarget: number, event: PolicyEvent, cmds: Cmd[], seen: Seen): void {
  const { params, workers, phase } = sim.state;
  const show = (ws: readonly WorkerRecord[]): string =>
    ws.map((w) => `${w.id}/${w.pid ?? '-'}:${w.state}${w.replacementFor ? `>${w.replacementFor}` : ''}`).join(' ');
  const ctx = `event ${JSON.stringify(event)} at ${sim.now}, target ${params.workers}\n  before: ${show(before)}\n  after:  ${show(workers)}\n  commands: ${JSON.stringify(cmds)}`;
  const bound = params.maxRestartingWorkers > 0 ? params.maxRestartingWorkers : Infinity;
  // Planned replacement never lowers capacity: every planned event with wait_for_new_workers,
  // and a HUP (or what follows it while only reload-tired workers are leaving) without it.
  const onlyReloadTired = before.every((w) => w.state !== 'tired' || w.tiredCause === 'reload') && event.type !== 'tired' && event.type !== 'beat';
  const guarded = params.waitForNewWorkers || onlyReloadTired;
  if (phase === 'running' && guarded && PLANNED.has(event.type) && !(event.type === 'reload' && params.workers < beforeTarget)) {
    assert.ok(capacity(workers) >= Math.min(capacity(before), params.workers), `capacity dropped: ${ctx}`);
  }
  assert.ok(underway(workers) <= bound, `bound exceeded: ${ctx}`);
  if (params.maxRestartingWorkers === 0 && params.reloadParallelism > 0) {
    const reloads = workers.filter((w) => (w.state === 'booting' || w.state === 'warming') && workers.some((t) => t.id === w.replacementFor && t.state === 'tired' && t.tiredCause === 'reload'));
    assert.ok(reloads.length <= params.reloadParallelism, `reload pace exceeded: ${ctx}`);
  }
  const nonLeaving = workers.filter((w) => w.state !== 'draining' && w.state !== 'killing').length;
  if (phase === 'running' && workers.every((w) => w.pid !== null)) {
    assert.ok(nonLeaving <= params.workers + bound, `too many workers: ${ctx}`);
  }
  for (const c of cmds) {
    if (c.type === 'retire') {
      seen.softSignalled.add(c.pid);
      const old = before.find((w) => w.pid === c.pid);
      if (old?.state === 'tired' && (params.waitForNewWorkers || old.tiredCause === 'reload')) assert.notEqual(c.reason, 'tired', `retired without waiting: ${ctx}`);
      if (c.reason === 'replaced') {
        // Ready after the step, or ready before it (a WINCH may then dismiss both in one step).
        const successor = [...workers, ...before].find((w) => w.replacementFor === c.id && w.state === 'ready');
        assert.ok(successor, `retired before its replacement was ready: ${ctx}`);
      }
    }
    if (c.type === 'kill') {
      if (c.signal === 'SIGKILL') assert.ok(seen.softSignalled.has(c.pid), `SIGKILL without a prior retire/TERM/ABRT/QUIT: ${ctx}`);
      else seen.softSignalled.add(c.pid);
    }
    if (c.type === 'spawn') {
      const rec = workers.find((w) => w.id === c.id);
      assert.ok(rec && rec.pid === null && rec.state === 'booting', `spawn without a pending record: ${ctx}`);
    }
  }
  assert.equal(new Set(workers.map((w) => w.id)).size, workers.length, `duplicate ids: ${ctx}`);
}

/** Stop, then let the world answer everything until the policy halts. */
function driveToHalt(sim: Sim): void {
  sim.send({ type: 'graceful-stop' });
  for (let i = 0; i < 200 && sim.state.phase !== 'halted'; i++) {
    sim.spawnPending();
    const w = sim.state.workers.find((x) => x.pid !== null);
    if (w) sim.send({ type: 'exited', pid: w.pid!, code: 0, signal: null });
    else { sim.now += 60_000; sim.send({ type: 'tick' }); }
  }
  assert.equal(sim.state.phase, 'halted');
  assert.equal(sim.state.workers.length, 0);
  assert.equal(sim.all.filter((c) => c.type === 'halt').length, 1);
}

test('random event sequences keep every invariant and always end in a clean halt', () => {
  const tally = new Map<string, number>();
  const count = (key: string, n = 1): void => { tally.set(key, (tally.get(key) ?? 0) + n); };
  for (let seed = 1; seed <= 1500; seed++) {
    const r = prng(seed);
    const sim = new Sim(randomParams(r));
    const seen: Seen = { softSignalled: new Set() };
    sim.send({ type: 'start' });
    const length = 20 + Math.floor(r() * 80);
    for (let i = 0; i < length && sim.state.phase !== 'halted'; i++) {
      const event = randomEvent(r, sim);
      if (!event) continue;
      const before = sim.state.workers;
      const beforeTarget = sim.state.params.workers;
      let cmds: Cmd[];
      try {
        cmds = sim.send(event);
      } catch (err) {
        throw new Error(`seed ${seed}, step ${i}, event ${JSON.stringify(event)}: ${(err as Error).message}`);
      }
      try {
        checkStep(sim, before, beforeTarget, event, cmds, seen);
      } catch (err) {
        throw new Error(`seed ${seed}, step ${i}: ${(err as Error).message}`);
      }
    }
    if (sim.state.phase !== 'halted') driveToHalt(sim);
    for (const c of sim.all) {
      if (c.type === 'retire') count(`retire ${c.reason}`);
      if (c.type === 'kill') count(`kill ${c.signal}`);
      if (c.type === 'halt') count(`halt ${c.code}`);
    }
  }
  // The sequences must actually exercise the rules they check.
  for (const key of ['retire replaced', 'retire excess', 'retire tired', 'kill SIGKILL', 'kill SIGABRT', 'kill SIGQUIT', 'halt 0', 'halt 3', 'halt 4']) {
    assert.ok((tally.get(key) ?? 0) >= 10, `only ${tally.get(key) ?? 0} × ${key}`);
  }
});
