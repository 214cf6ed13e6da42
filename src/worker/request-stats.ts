// Records, in the worker, what the arbiter's /metrics reports: each finished request by
// method and status class, and its duration in the histogram buckets. Cheap per request
// (serve-request.ts hands it each closed response with the time worker-response.ts noted at
// arrival); the cumulative snapshot travels in the beat (and in answers to `stats`), never
// per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FromWorker } from '../ipc/messages.js';
import { RequestRecorder } from '../metrics/recorder.js';
import type { RequestStatsSnapshot } from '../metrics/request-stats.js';
import { arrivedAt } from './worker-response.js';
import { monotonicMs } from '../monotonic-clock.js';

export class RequestStats {
  readonly #recorder = new RequestRecorder();

  /** One response closed, `ms` after its request arrived (serve-request.ts calls it for every request). */
  record(res: ServerResponse, ms: number): void {
    this.#recorder.record(res.req.method, res.statusCode, res.writableFinished, ms / 1000);
  }

  /** Cumulative since the worker started; send it whole (in the beat and in a final flush). */
  snapshot(): RequestStatsSnapshot {
    return this.#recorder.snapshot();
  }
}

type Counts = () => { requests: number; inFlight: number };

function beat(stats: RequestStats, counts: Counts): FromWorker {
  return { type: 'beat', ...counts(), rss: process.memoryUsage.rss(), stats: stats.snapshot() };
}

export interface AttachedStats {
  /** False when nobody reads the stats (no metrics_bind): record() and rejected() do nothing. */
  readonly recording: boolean;
  /** Call when each response closes, with the milliseconds since its request arrived. */
  record(res: ServerResponse, ms: number): void;
  /**
   * For requests the HTTP edge answers itself (over a limit: 414, 431), which never reach
   * serve-request.ts: records each one when its response closes.
   */
  rejected(req: IncomingMessage, res: ServerResponse): void;
  /** For the heartbeat: `stats: attached.snapshot()` in the beat. */
  snapshot(): RequestStatsSnapshot;
  /** Sends a final beat and resolves once it is handed to the channel: call before exiting. */
  flush(): Promise<void>;
  /** The arbiter's `stats` order: a beat with fresh stats, now. */
  answer(): void;
}

/**
 * The worker's request stats; answer() serves the arbiter's `stats` order with a beat.
 * `recording` false (no /metrics anywhere): nothing is recorded, the beats carry zeros.
 */
export function attachRequestStats(counts: Counts, recording = true): AttachedStats {
  const stats = new RequestStats();
  const rejectedClosed = function (this: ServerResponse): void {
    const now = monotonicMs();
    stats.record(this, now - arrivedAt(this, now));
  };
  return {
    recording,
    record: recording ? (res, ms) => stats.record(res, ms) : () => undefined,
    rejected: recording ? (_req, res) => void res.on('close', rejectedClosed) : () => undefined,
    snapshot: () => stats.snapshot(),
    answer: () => void (process.connected && process.send?.(beat(stats, counts))),
    flush: () => new Promise<void>((resolve) => {
      if (!process.connected || !process.send) return resolve();
      process.send(beat(stats, counts), undefined, {}, () => resolve());
    }),
  };
}
