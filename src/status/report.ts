// The status report the control socket answers with: the master and each worker as the
// arbiter's restart policy sees them (NODE_APP_INSTANCE slot, state, age, requests, memory,
// CPU, last heartbeat), with the master's lifetime counts. Pure: built from a PolicyState
// snapshot, the current time and the measured extras, JSON-safe. `booted`/`last_heartbeat` are gunicornc's names.
import type { PolicyCounts, PolicyState } from '../arbiter/policy/index.js';

export interface WorkerStatus {
  /** The arbiter's id for the worker (unique for the master's life). */
  readonly id: number;
  /** null while the process is being forked. */
  readonly pid: number | null;
  readonly generation: number;
  /** Its NODE_APP_INSTANCE slot (0..workers-1; a replacement shares its predecessor's); null if none. */
  readonly instance: number | null;
  /** booting, warming, ready, tired, draining or killing. */
  readonly state: string;
  /** Seconds since the worker was spawned. */
  readonly age: number;
  /** Requests served, as of the last heartbeat. */
  readonly requests: number;
  /** Resident set size in bytes (null until first measured). */
  readonly rss: number | null;
  /** Seconds since the last sign of life (spawn, booted, warmed, beat). */
  readonly lastBeat: number;
  /** Why a tired worker must leave (max-requests, reload, memory), when it is tired. */
  readonly tiredCause?: string;
  /** Percent of one CPU (average since start on a first look, since the previous look after). */
  readonly cpu: number | null;
  /** gunicornc's fields: has it booted, seconds since its last heartbeat. */
  readonly booted: boolean;
  readonly last_heartbeat: number;
}

/** What the master counted since it started (PM2's "restarts" is `died`). */
export type MasterCounts = PolicyCounts;

export interface StatusReport {
  readonly master: {
    readonly pid: number;
    readonly version: string;
    readonly procName: string;
    /** Seconds since the master started. */
    readonly uptime: number;
    readonly phase: string;
    readonly generation: number;
    /** The number of workers the master aims for. */
    readonly workers: number;
    readonly counts: MasterCounts;
  };
  readonly workers: readonly WorkerStatus[];
}

export interface MasterInfo {
  readonly pid: number;
  readonly version: string;
  readonly procName: string;
  /** Date.now() when the master started. */
  readonly startedAt: number;
}

const seconds = (ms: number): number => Math.max(0, Math.round(ms / 100) / 10);

/** What the policy state does not hold: measured CPU, and the slots the arbiter hands out. */
export interface MeasuredExtras {
  readonly cpu: (pid: number) => number | null;
  readonly instance: (id: number) => number | null;
}

export function statusReport(state: PolicyState, master: MasterInfo, now: number, extras: MeasuredExtras): StatusReport {
  return {
    master: {
      pid: master.pid,
      version: master.version,
      procName: master.procName,
      uptime: seconds(now - master.startedAt),
      phase: state.phase,
      generation: state.generation,
      workers: state.params.workers,
      counts: state.counts,
    },
    workers: state.workers.map((w) => ({
      id: w.id,
      pid: w.pid,
      generation: w.generation,
      instance: extras.instance(w.id),
      state: w.state,
      age: seconds(now - w.spawnedAt),
      requests: w.requests,
      rss: w.rss ?? null,
      lastBeat: seconds(now - w.lastBeat),
      ...(w.tiredCause === undefined ? {} : { tiredCause: w.tiredCause }),
      cpu: w.pid === null ? null : extras.cpu(w.pid),
      booted: w.state !== 'booting',
      last_heartbeat: seconds(now - w.lastBeat),
    })),
  };
}
