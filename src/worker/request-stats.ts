// Records, in the worker, what the arbiter's /metrics reports: each finished request by
// method and status class, and its duration in the histogram buckets. Cheap per request;
// the cumulative snapshot travels in the beat (and in answers to `stats`), never per request.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FromWorker } from '../ipc/messages.js';
import { RequestRecorder } from '../metrics/recorder.js';
import type { RequestStatsSnapshot } from '../metrics/request-stats.js';

const START = Symbol('gunicorn-ts.requestStart');
type TimedResponse = ServerResponse & { [START]?: number };

export class RequestStats {
  readonly #recorder = new RequestRecorder();
  readonly #onClose: (this: TimedResponse) => void;

  constructor() {
    const recorder = this.#recorder;
    // One listener shared by every response, no closure per request (bench/metrics-overhead.ts).
    this.#onClose = function (this: TimedResponse): void {
      recorder.record(this.req.method, this.statusCode, this.writableFinished, (performance.now() - (this[START] ?? 0)) / 1000);
    };
  }

  /** Call once per request, as it arrives (before the app runs). */
  track(_req: IncomingMessage, res: ServerResponse): void {
    (res as TimedResponse)[START] = performance.now();
    res.on('close', this.#onClose);
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
