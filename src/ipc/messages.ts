// The typed messages arbiter and worker exchange over the IPC channel. Worker facts are
// past tense (Booted, Beat); arbiter orders are imperative (Retire, Stop). Nothing else
// crosses the process boundary, besides real signals sent by operators. This module imports
// nothing: the settings' type is a parameter (config's WorkerConfig, see worker/ipc.ts).

/** A worker's request statistics, cumulative since it started; sent whole in every beat. */
export interface RequestStatsSnapshot {
  /** Completed requests keyed `METHOD CLASS`, e.g. `GET 2xx`. */
  readonly requests: Readonly<Record<string, number>>;
  /** Requests per duration bucket, NOT cumulative; the last index is +Inf (metrics/request-stats.ts). */
  readonly buckets: readonly number[];
  /** Sum of all durations, in seconds. */
  readonly durationSum: number;
}

/** A listening socket the worker receives as an inherited file descriptor. */
export interface InheritedSocket {
  /** File descriptor number in the worker (stdio index). */
  readonly fd: number;
  /** The bind string it came from, for logs ("127.0.0.1:8000", "unix:/run/x.sock"). */
  readonly address: string;
}

/**
 * Where a worker finds the hooks that run in it (functions cannot cross IPC). `names` are
 * the worker hooks the configuration sets; the worker takes exactly those.
 * - `config-text`: the config file's text, read by the arbiter with the privileges it was
 *   started with, evaluated by the worker (so a file only root can read still works).
 * - `embedded`: the embedding program registers them when the worker imports it again.
 */
export type HookSource =
  | { readonly from: 'config-text'; readonly names: readonly string[]; readonly file: string; readonly text: string }
  | { readonly from: 'embedded'; readonly names: readonly string[] };

/** What the arbiter tells a new worker before it loads the app. */
export interface WorkerInit<Settings> {
  readonly type: 'init';
  readonly id: number;
  readonly generation: number;
  /** max_requests plus this worker's jitter; 0 = unlimited. */
  readonly maxRequests: number;
  readonly sockets: readonly InheritedSocket[];
  /** The effective settings as resolved by the arbiter, hooks left out. */
  readonly settings: Settings;
  /** null when the configuration sets no hook that runs in workers. */
  readonly hooks: HookSource | null;
}

export type ToWorker<Settings> =
  | WorkerInit<Settings>
  /** Stop accepting, finish in-flight requests (lazy keep-alive drain), exit 0. */
  | { readonly type: 'retire' }
  | { readonly type: 'reopen-logs' }
  /** Issue 5: your replacement is accepting; close each keep-alive connection after its next response so clients spread onto it. */
  | { readonly type: 'shed'; readonly active: boolean }
  /** metrics: answer with a beat carrying fresh stats (src/worker/request-stats.ts). */
  | { readonly type: 'stats' };

/** Every ToWorker type, for runtime checks; the type assertion below keeps it complete. */
export const TO_WORKER_TYPES = ['init', 'retire', 'reopen-logs', 'shed', 'stats'] as const;
type Missing = Exclude<ToWorker<unknown>['type'], (typeof TO_WORKER_TYPES)[number]>;
const complete: Missing extends never ? true : Missing = true;
void complete;

/** Exit codes a worker uses so the arbiter can tell boot failures apart (as Gunicorn does). */
export const WORKER_BOOT_ERROR = 3;
export const APP_LOAD_ERROR = 4;

export type FromWorker =
  /** App loaded, post_worker_init resolved, listening on every inherited socket. */
  | { readonly type: 'booted' }
  /** Served warmup_requests requests since booting (sent at once after booted when that is 0). */
  | { readonly type: 'warmed'; readonly requests: number }
  /** Periodic liveness proof, carrying counters (sent from the event loop, so a blocked loop stops them). */
  | {
    readonly type: 'beat'; readonly requests: number; readonly inFlight: number; readonly rss: number;
    /** metrics: cumulative request stats, also sent in answer to `stats` and once before exit. */
    readonly stats?: RequestStatsSnapshot;
  }
  /** The worker served its maxRequests and asks to be replaced (it keeps serving until told to retire). */
  | { readonly type: 'tired'; readonly requests: number }
  /** With `reload`: the files the app loaded, for the arbiter's watcher (sent once, after booted). */
  | { readonly type: 'modules'; readonly files: readonly string[] }
  /**
   * Loading failed; the worker exits with `code` right after sending this. The arbiter logs
   * the report (message with the app's file:line, the app's stack), once for a generation.
   */
  | {
    readonly type: 'boot-failed'; readonly code: typeof WORKER_BOOT_ERROR | typeof APP_LOAD_ERROR;
    readonly message: string; readonly stack?: string;
  };

export function isFromWorker(value: unknown): value is FromWorker {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
