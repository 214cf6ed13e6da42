// The vocabulary of the restart policy: worker records, the policy state, the events the
// arbiter's I/O shell feeds in and the commands it must carry out. Types only; no logic.
// Times are milliseconds on one clock chosen by the shell; durations in params are seconds.

/** Where a worker is in its life, as the arbiter sees it (docs/restart.md has the diagram). */
export type WorkerState =
  /** Spawn ordered; not yet serving (pid is null until the shell reports `spawned`). */
  | 'booting'
  /** Booted and accepting, not yet counted ready (serving its warmup requests). */
  | 'warming'
  /** Accepting and counted ready. */
  | 'ready'
  /** Must leave (max requests, reload, memory) but keeps serving until it is replaced. */
  | 'tired'
  /** Told to retire: stops accepting, finishes in-flight requests, exits. */
  | 'draining'
  /** Sent a signal (timeout, stop, quick stop); waiting for it to exit. */
  | 'killing';

export type TiredCause = 'max-requests' | 'reload' | 'memory';
export type KillSignal = 'SIGTERM' | 'SIGABRT' | 'SIGKILL' | 'SIGQUIT';
/** Why a worker was signalled. `escalation` never appears on a record: it keeps the first reason. */
export type KillReason =
  | 'boot-timeout' | 'warmup-timeout' | 'timeout' | 'graceful-timeout' | 'escalation'
  | 'excess' | 'reload' | 'stop' | 'quit';
/** Why a worker was told to retire. `replaced`: its replacement is ready. `tired`: no waiting (max_requests/memory, wait_for_new_workers off). */
export type RetireReason = 'replaced' | 'tired' | 'excess' | 'stop';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The arbiter's record of one worker process (the worker's own code is a different thing). */
export interface WorkerRecord {
  /** Unique for the arbiter's life, increasing with age; never reused. */
  readonly id: number;
  readonly pid: number | null;
  readonly generation: number;
  readonly state: WorkerState;
  /** max_requests plus this worker's jitter (0 = unlimited); sent to the worker at spawn. */
  readonly maxRequests: number;
  readonly spawnedAt: number;
  readonly bootedAt?: number;
  /** `requestsSeen` when it began warming: more since then means the server had traffic to warm on. */
  readonly warmupBaseline?: number;
  readonly readyAt?: number;
  /** Last sign of life (spawn, booted, warmed, beat, tired). */
  readonly lastBeat: number;
  readonly requests: number;
  /** Resident set size in bytes, as last reported. */
  readonly rss?: number;
  readonly tiredAt?: number;
  readonly tiredCause?: TiredCause;
  readonly drainSentAt?: number;
  readonly killSentAt?: number;
  readonly killSignal?: KillSignal;
  readonly killReason?: KillReason;
  /** The id of the tired worker this one was spawned to replace. */
  readonly replacementFor?: number;
  readonly bootFailure?: { readonly code: number; readonly message: string };
}

/** The settings the policy reads. Durations in seconds, memory in MB, as in the config. */
export interface PolicyParams {
  readonly workers: number;
  /** Workers tired by max_requests or memory wait for their replacement (reload-tired ones always do). */
  readonly waitForNewWorkers: boolean;
  /** Replacements under way at once; 0 = no bound. Bounds a reload whatever waitForNewWorkers says. */
  readonly maxRestartingWorkers: number;
  /**
   * With maxRestartingWorkers 0: replacements a reload has under way at once (booting workers
   * compete with serving ones for the cores); 0 = all at once.
   */
  readonly reloadParallelism: number;
  /** 0 = unlimited. The worker itself reports `tired`; the policy only hands the number out. */
  readonly maxRequests: number;
  readonly maxRequestsJitter: number;
  /** Heartbeat silence, and the boot limit, before SIGABRT; 0 disables both. */
  readonly timeout: number;
  /**
   * A warming worker's window (since booted); 0 = no limit. At its end the worker is ready if
   * the server got no requests meanwhile (nothing to warm on), else killed and retried.
   */
  readonly warmupTimeout: number;
  /** Draining (or SIGTERM'd) longer than this → SIGKILL. */
  readonly gracefulTimeout: number;
  /** A ready worker whose rss is above this many MB becomes tired; 0 = off. */
  readonly maxWorkerMemory: number;
}

export type Phase =
  | 'idle'      // before `start`
  | 'running'
  | 'stopping'  // graceful stop: retire all, then halt
  | 'quitting'  // quick stop: SIGQUIT all, then halt
  | 'halting'   // a worker failed to boot at startup: stop all, then halt with its code
  | 'halted';

export interface PolicyState {
  readonly phase: Phase;
  readonly params: PolicyParams;
  readonly generation: number;
  /** Live worker records in spawn order (a record leaves on `exited` or `spawn-failed`). */
  readonly workers: readonly WorkerRecord[];
  readonly nextId: number;
  /** Has any worker booted since start? Before that, a boot failure halts the arbiter. */
  readonly everBooted: boolean;
  /** Consecutive workers that died before becoming ready; reset when one becomes ready. */
  readonly failures: number;
  /** No spawn before this time (backoff after failures). */
  readonly spawnBlockedUntil: number;
  /** PRNG state for max_requests jitter, so the policy stays pure and replayable. */
  readonly rng: number;
  /** Exit code and reason once stopping/halting. */
  readonly exit: { readonly code: number; readonly reason: string } | null;
  /**
   * max_worker_memory turned out to be below what a freshly booted worker uses: recycling for
   * memory would never end, so it is off (said once) until a reload brings new params.
   */
  readonly memoryLimitSuspended: boolean;
  /** Requests every worker has reported served (sum of the increases seen in beats). */
  readonly requestsSeen: number;
  /**
   * REPLACEMENT_ATTEMPTS replacements of serving workers failed in a row: no more are started,
   * the tired workers keep serving (said once) until the next reload.
   */
  readonly replacementsHeld: boolean;
  /**
   * The last boot failure logged in full: workers of one generation that fail alike (every
   * worker imports the same broken app) are reported once, each later one by a short line.
   */
  readonly bootReport: { readonly generation: number; readonly report: string; readonly worker: number } | null;
  /** Lifetime counts for operators (`show stats`, `status`). */
  readonly counts: PolicyCounts;
}

export interface PolicyCounts {
  /** Workers ordered (the first generation included). */
  readonly spawned: number;
  /** Workers that exited unasked (crash, kill -9, failed boot, a worker killed by the operator). */
  readonly died: number;
  /** Reloads accepted (HUP, the `reload` command, --reload). */
  readonly reloads: number;
}

/** Facts the shell reports. Worker facts carry the pid; names follow src/ipc/messages.ts. */
export type PolicyEvent =
  | { readonly type: 'start' }
  /** The shell forked the worker ordered by `spawn` with this id. */
  | { readonly type: 'spawned'; readonly id: number; readonly pid: number }
  /** The shell could not fork the worker ordered by `spawn` with this id. */
  | { readonly type: 'spawn-failed'; readonly id: number; readonly message: string }
  /** rss: resident bytes right after booting, when the shell measured it. */
  | { readonly type: 'booted'; readonly pid: number; readonly rss?: number }
  | { readonly type: 'warmed'; readonly pid: number }
  /** rss in bytes (from the worker's beat, or measured by the shell). */
  | { readonly type: 'beat'; readonly pid: number; readonly requests: number; readonly rss?: number }
  | { readonly type: 'tired'; readonly pid: number }
  /** message: what failed, with the app's file:line; stack: the app's frames, when it threw. */
  | { readonly type: 'boot-failed'; readonly pid: number; readonly code: number; readonly message: string; readonly stack?: string }
  /** The process is gone (reaped). Exactly one per pid. */
  | { readonly type: 'exited'; readonly pid: number; readonly code: number | null; readonly signal: string | null }
  /** Time passed: check timeouts and backoff. Extra ticks are harmless. */
  | { readonly type: 'tick' }
  /** HUP: new generation; params, when given, replace the current ones (re-read config). */
  | { readonly type: 'reload'; readonly params?: PolicyParams }
  | { readonly type: 'increase-workers' }  // TTIN
  | { readonly type: 'decrease-workers' }  // TTOU
  | { readonly type: 'stop-workers' }      // WINCH
  | { readonly type: 'graceful-stop' }     // TERM
  | { readonly type: 'quick-stop' };       // INT, QUIT

export type PolicyEventType = PolicyEvent['type'];

/** Orders for the shell. Carry them out in the order given. */
export type PolicyCommand =
  /** Fork a worker; answer later with `spawned` (or `spawn-failed`) carrying this id. */
  | { readonly type: 'spawn'; readonly id: number; readonly generation: number; readonly maxRequests: number; readonly replacementFor: number | null }
  /** Send the IPC `retire` message (graceful drain). */
  | { readonly type: 'retire'; readonly id: number; readonly pid: number; readonly reason: RetireReason }
  /** Send a signal to the worker process. */
  | { readonly type: 'kill'; readonly id: number; readonly pid: number; readonly signal: KillSignal; readonly reason: KillReason }
  /** Exit the arbiter with this code; no worker is alive any more. */
  | { readonly type: 'halt'; readonly code: number; readonly reason: string }
  | { readonly type: 'log'; readonly level: LogLevel; readonly msg: string; readonly fields: Readonly<Record<string, string | number | null>> }
  /** Call the nworkers_changed hook. */
  | { readonly type: 'hook-nworkers-changed'; readonly newValue: number; readonly oldValue: number };

export interface StepResult {
  readonly state: PolicyState;
  readonly commands: readonly PolicyCommand[];
}
