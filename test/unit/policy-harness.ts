// Test driver for the pure restart policy: holds a state and a clock, answers `spawn`
// commands with pids like the shell would, and keeps every command for assertions.
// Not a test file itself (no .test suffix); the policy-*.test.ts files share it.
import { initialState, step } from '../../src/arbiter/policy/index.js';
import type { PolicyCommand, PolicyEvent, PolicyParams, PolicyState, WorkerRecord } from '../../src/arbiter/policy/index.js';

export const BASE: PolicyParams = {
  workers: 2, waitForNewWorkers: true, maxRestartingWorkers: 0, reloadParallelism: 0, maxRequests: 0, maxRequestsJitter: 0,
  timeout: 30, warmupTimeout: 60, gracefulTimeout: 30, maxWorkerMemory: 0,
};

export type Cmd = Exclude<PolicyCommand, { type: 'log' }>;

export function withoutLogs(commands: readonly PolicyCommand[]): Cmd[] {
  return commands.filter((c): c is Cmd => c.type !== 'log');
}

/** Freeze deeply, so any mutation of a step's input throws (ESM modules are strict). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class Sim {
  state: PolicyState;
  now = 0;
  all: PolicyCommand[] = [];
  private nextPid = 1000;

  constructor(params: Partial<PolicyParams> = {}) {
    this.state = initialState({ ...BASE, ...params });
  }

  /** Step the policy (state frozen first), returning the non-log commands. */
  send(event: PolicyEvent): Cmd[] {
    const result = step(deepFreeze(this.state), event, this.now);
    this.state = result.state;
    this.all.push(...result.commands);
    return withoutLogs(result.commands);
  }

  at(ms: number): this {
    this.now = ms;
    return this;
  }

  /** Answer every spawn still waiting for a pid; returns the new pids in spawn order. */
  spawnPending(): number[] {
    const pids: number[] = [];
    for (const w of this.state.workers.filter((x) => x.pid === null)) {
      const pid = this.nextPid++;
      this.send({ type: 'spawned', id: w.id, pid });
      pids.push(pid);
    }
    return pids;
  }

  /** booted + warmed. */
  makeReady(pid: number): Cmd[] {
    return [...this.send({ type: 'booted', pid }), ...this.send({ type: 'warmed', pid })];
  }

  /** start, spawn and ready `workers` workers; returns their pids. */
  startReady(): number[] {
    this.send({ type: 'start' });
    const pids = this.spawnPending();
    for (const pid of pids) this.makeReady(pid);
    return pids;
  }

  w(pid: number): WorkerRecord {
    const found = this.state.workers.find((x) => x.pid === pid);
    if (!found) throw new Error(`no worker with pid ${pid}`);
    return found;
  }

  states(): string[] {
    return this.state.workers.map((x) => `${x.pid}:${x.state}`);
  }

  logs(msg: string): PolicyCommand[] {
    return this.all.filter((c) => c.type === 'log' && c.msg === msg);
  }
}
