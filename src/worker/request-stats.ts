// Records, in the worker, what the arbiter's /metrics reports: each finished request by
// method and status class, and its duration in the histogram buckets. Cheap per request;
// the cumulative snapshot travels in the beat (and in answers to `stats`), never per request.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FromWorker } from '../ipc/messages.js';
import { bucketIndex, DURATION_BUCKETS, methodLabel, requestKey, statusClass } from '../metrics/request-stats.js';
import type { RequestStatsSnapshot } from '../metrics/request-stats.js';

export class RequestStats {
  readonly #requests = new Map<string, number>();
  readonly #buckets: number[] = new Array<number>(DURATION_BUCKETS.length + 1).fill(0);
  #durationSum = 0;

  /** Call once per request, as it arrives (before the app runs). */
  track(req: IncomingMessage, res: ServerResponse): void {
    const start = process.hrtime.bigint();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const key = requestKey(methodLabel(req.method), statusClass(res.statusCode, res.writableFinished));
      this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
      this.#buckets[bucketIndex(seconds)]!++;
      this.#durationSum += seconds;
    });
  }

  /** Cumulative since the worker started; send it whole (in the beat and in a final flush). */
  snapshot(): RequestStatsSnapshot {
    return { requests: Object.fromEntries(this.#requests), buckets: [...this.#buckets], durationSum: this.#durationSum };
  }
}

type Counts = () => { requests: number; inFlight: number };

function beat(stats: RequestStats, counts: Counts): FromWorker {
  return { type: 'beat', ...counts(), rss: process.memoryUsage.rss(), stats: stats.snapshot() };
}

export interface AttachedStats {
  /** For the heartbeat: `stats: attached.snapshot()` in the beat. */
  snapshot(): RequestStatsSnapshot;
  /** Sends a final beat and resolves once it is handed to the channel: call before exiting. */
  flush(): Promise<void>;
}

/**
 * Tracks every request of `server` (its listener runs first, so the time includes the app's
 * synchronous work) and answers the arbiter's `stats` requests with a beat.
 */
export function attachRequestStats(server: Server, counts: Counts): AttachedStats {
  const stats = new RequestStats();
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => stats.track(req, res));
  process.on('message', (msg: unknown) => {
    if ((msg as { type?: unknown } | null)?.type === 'stats' && process.connected) process.send?.(beat(stats, counts));
  });
  return {
    snapshot: () => stats.snapshot(),
    flush: () => new Promise<void>((resolve) => {
      if (!process.connected || !process.send) return resolve();
      process.send(beat(stats, counts), undefined, {}, () => resolve());
    }),
  };
}
