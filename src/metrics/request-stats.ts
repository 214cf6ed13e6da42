// The request statistics a worker reports to the arbiter in its beat: cumulative counts by
// method and status class and a duration histogram, as plain JSON. Pure helpers to build,
// add and subtract them; the worker records, the arbiter merges (stats-ledger.ts).

/** Upper bounds (seconds) of the request duration histogram; +Inf is implied after the last. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// The snapshot is part of the IPC contract: cumulative since the worker started, sent whole
// in every beat so a lost beat loses nothing; bucket i counts d <= DURATION_BUCKETS[i] and
// above the previous bound.
import type { RequestStatsSnapshot } from '../ipc/messages.js';

export type { RequestStatsSnapshot };

// Methods outside this set share one label value, so a client cannot grow the label set.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);

export function methodLabel(method: string | undefined): string {
  return method !== undefined && METHODS.has(method) ? method : 'other';
}

/** `2xx`…`5xx`; `aborted` when the response never finished (client gone, socket destroyed). */
export function statusClass(status: number, finished: boolean): string {
  if (!finished) return 'aborted';
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

export function requestKey(method: string, klass: string): string {
  return `${method} ${klass}`;
}

export function splitRequestKey(key: string): { method: string; statusClass: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space), statusClass: key.slice(space + 1) };
}

/** Index of the bucket a duration (seconds) falls in. */
export function bucketIndex(seconds: number): number {
  const i = DURATION_BUCKETS.findIndex((bound) => seconds <= bound);
  return i < 0 ? DURATION_BUCKETS.length : i;
}

export function emptyStats(): RequestStatsSnapshot {
  return { requests: {}, buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), durationSum: 0 };
}

function combine(a: RequestStatsSnapshot, b: RequestStatsSnapshot, sign: 1 | -1): RequestStatsSnapshot {
  const requests: Record<string, number> = { ...a.requests };
  for (const [key, n] of Object.entries(b.requests)) requests[key] = Math.max(0, (requests[key] ?? 0) + sign * n);
  const buckets = emptyStats().buckets.map((_, i) => Math.max(0, (a.buckets[i] ?? 0) + sign * (b.buckets[i] ?? 0)));
  return { requests, buckets, durationSum: Math.max(0, a.durationSum + sign * b.durationSum) };
}

export function addStats(a: RequestStatsSnapshot, b: RequestStatsSnapshot): RequestStatsSnapshot {
  return combine(a, b, 1);
}

/** What `newer` counted since `older` (same worker); never negative. */
export function diffStats(newer: RequestStatsSnapshot, older: RequestStatsSnapshot): RequestStatsSnapshot {
  return combine(newer, older, -1);
}

export function totalRequests(stats: RequestStatsSnapshot): number {
  return Object.values(stats.requests).reduce((sum, n) => sum + n, 0);
}

/** Validates a snapshot received over IPC (the channel is typed, but a bad worker must not break the arbiter). */
export function isRequestStats(value: unknown): value is RequestStatsSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof RequestStatsSnapshot, unknown>>;
  const count = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  return typeof v.requests === 'object' && v.requests !== null
    && Object.entries(v.requests).every(([key, n]) => key.includes(' ') && count(n))
    && Array.isArray(v.buckets) && v.buckets.length === DURATION_BUCKETS.length + 1 && v.buckets.every(count)
    && count(v.durationSum);
}
