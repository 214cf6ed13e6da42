// The arbiter's metrics service: what arbiter.ts/run.ts talk to. It keeps the latest policy
// state, merges worker reports, counts life events between states, and serves /metrics and
// /healthz on `metrics_bind` (server.ts). Everything else in src/metrics is internal.
import type { PolicyState } from '../arbiter/policy/types.js';
import { BindAddressError, parseBindAddress } from '../arbiter/sockets/index.js';
import { GunicornError } from '../errors.js';
import type { ListeningSocket } from '../arbiter/sockets/index.js';
import { readBacklogs, socketInode } from './backlog.js';
import type { BacklogTarget } from './backlog.js';
import { health } from './health.js';
import type { Health } from './health.js';
import type { LifecycleChanges } from './lifecycle.js';
import { ArbiterMetrics } from './registry.js';
import { isRequestStats } from './request-stats.js';
import { startMetricsServer } from './server.js';
import type { MetricsListener } from './server.js';
import { StatsLedger } from './stats-ledger.js';

export { requestWorkerStats } from './flush.js';
export { lifecycleChanges, sendLifecycleToStatsd } from './lifecycle.js';
export { validateMetricsBind } from './validate.js';
export type { Health } from './health.js';
export type { RequestStatsSnapshot } from './request-stats.js';

export interface MetricsServiceOptions {
  /** The `metrics_bind` value (same forms as `bind`); a bad one throws BindAddressError. */
  readonly bind: string;
  /** The app's listening sockets now (a reload may change them), for their backlog depth. */
  readonly sockets: () => readonly ListeningSocket[];
  readonly log: { info(msg: string): void; error(msg: string): void };
  /** Asks every live worker for fresh stats before a scrape (optional; beats carry them anyway). */
  readonly flush?: () => Promise<void>;
}

export class MetricsService {
  #state: PolicyState | null = null;
  #shuttingDown: string | null = null;
  readonly #ledger = new StatsLedger();
  /** pid to worker id; kept after exit so a report that arrives late still finds its worker. */
  readonly #ids = new Map<number, number>();
  readonly #metrics: ArbiterMetrics;
  readonly #listener: MetricsListener;

  constructor(opts: MetricsServiceOptions) {
    const address = parseBindAddress(opts.bind);
    this.#metrics = new ArbiterMetrics({
      state: () => this.#state ?? emptyState,
      totals: () => this.#ledger.totals,
      inFlight: () => this.#ledger.inFlight,
      backlogs: () => readBacklogs(opts.sockets().map((s): BacklogTarget => ({ label: s.label, inode: socketInode(s.fd) }))),
    });
    this.#listener = startMetricsServer(address, {
      metrics: async () => {
        await opts.flush?.();
        return { body: await this.#metrics.metrics(), contentType: this.#metrics.contentType };
      },
      health: () => this.health(),
    }, {
      listening: (url) => opts.log.info(`Metrics at: ${url}`),
      error: (msg) => opts.log.error(msg),
    });
  }

  /** Call after every policy step with the new state and its lifecycleChanges() from the previous one. */
  observe(state: PolicyState, changes: LifecycleChanges): void {
    const prev = this.#state;
    this.#state = state;
    if (prev === state) return;
    for (const [pid, id] of changes.pids) this.#ids.set(pid, id);
    for (const id of changes.gone) this.#ledger.gone(id);
    this.#metrics.record(changes);
  }

  /** A worker's beat or final flush: `stats` is its cumulative RequestStatsSnapshot (ignored when malformed). */
  workerReport(pid: number, report: { readonly stats?: unknown; readonly inFlight?: number }): void {
    const id = this.#ids.get(pid);
    if (id === undefined) return;
    this.#ledger.report(id, isRequestStats(report.stats) ? report.stats : undefined, report.inFlight);
  }

  /** TERM/INT/QUIT received: /healthz answers 503 from now on, before any worker is told to drain. */
  shuttingDown(reason: string): void {
    this.#shuttingDown ??= reason;
  }

  health(): Health {
    return health(this.#state ?? emptyState, this.#shuttingDown);
  }

  close(): Promise<void> {
    return this.#listener.close();
  }
}

/** The service when `metrics_bind` is set, else null; a malformed address is a clear startup error. */
export function startMetrics(bind: string | null | undefined, opts: Omit<MetricsServiceOptions, 'bind'>): MetricsService | null {
  if (bind === null || bind === undefined || bind === '') return null;
  try {
    return new MetricsService({ ...opts, bind });
  } catch (err) {
    if (err instanceof BindAddressError) throw new GunicornError('GTS_ERR_BIND', `metrics_bind: ${err.message}`);
    throw err;
  }
}

const emptyState: PolicyState = {
  phase: 'idle', params: { workers: 0, waitForNewWorkers: false, maxRestartingWorkers: 0, reloadParallelism: 0, maxRequests: 0, maxRequestsJitter: 0, timeout: 0, warmupTimeout: 0, gracefulTimeout: 0, maxWorkerMemory: 0 },
  generation: 0, workers: [], nextId: 0, everBooted: false, failures: 0, spawnBlockedUntil: 0, rng: 0, exit: null, memoryLimitSuspended: false, requestsSeen: 0, replacementsHeld: false, bootReport: null,
  counts: { spawned: 0, died: 0, reloads: 0 },
};
