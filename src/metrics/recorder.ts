// The worker's per-request tally behind /metrics, built for the hot path: flat typed-array
// counters indexed by method and status class, no string built and no allocation per request
// (bench/metrics-overhead.ts). Turned into the RequestStatsSnapshot wire format only when sent.
import { DURATION_BUCKETS } from './request-stats.js';
import type { RequestStatsSnapshot } from './request-stats.js';

// Same label values as methodLabel/statusClass in request-stats.ts.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', 'other'] as const;
const CLASSES = ['other', '1xx', '2xx', '3xx', '4xx', '5xx', 'aborted'] as const;
const OTHER_METHOD = METHODS.length - 1;
const ABORTED = CLASSES.length - 1;
const BOUNDS = Float64Array.from(DURATION_BUCKETS);

function methodIndex(method: string | undefined): number {
  switch (method) {
    case 'GET': return 0;
    case 'HEAD': return 1;
    case 'POST': return 2;
    case 'PUT': return 3;
    case 'DELETE': return 4;
    case 'PATCH': return 5;
    case 'OPTIONS': return 6;
    case 'CONNECT': return 7;
    case 'TRACE': return 8;
    default: return OTHER_METHOD;
  }
}

function classIndex(status: number, finished: boolean): number {
  if (!finished) return ABORTED;
  return status >= 100 && status < 600 ? Math.floor(status / 100) : 0;
}

export class RequestRecorder {
  readonly #counts = new Float64Array(METHODS.length * CLASSES.length);
  readonly #buckets = new Float64Array(BOUNDS.length + 1);
  #durationSum = 0;

  /** One finished (or aborted: `finished` false) request that took `seconds`. */
  record(method: string | undefined, status: number, finished: boolean, seconds: number): void {
    this.#counts[methodIndex(method) * CLASSES.length + classIndex(status, finished)]!++;
    let i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]!) i++;
    this.#buckets[i]!++;
    this.#durationSum += seconds;
  }

  /** Cumulative since the recorder was made, keyed `METHOD CLASS` (request-stats.ts's format). */
  snapshot(): RequestStatsSnapshot {
    const requests: Record<string, number> = {};
    this.#counts.forEach((n, i) => {
      if (n > 0) requests[`${METHODS[Math.floor(i / CLASSES.length)]} ${CLASSES[i % CLASSES.length]}`] = n;
    });
    return { requests, buckets: Array.from(this.#buckets), durationSum: this.#durationSum };
  }
}
