// Statsd metrics: the Metrics interface the arbiter and workers call, a real client when
// `statsd_host` is set and a no-op otherwise. A statsd server that is down or missing never
// throws into the caller: UDP is fire-and-forget by design. The wire client is our own
// (statsd-client.ts): hot-shots pulled in the native unix-dgram build on every install.
import { createSender, parseStatsdAddress, statsdLine } from './statsd-client.js';
import type { ErrorReporter } from './types.js';

/** What callers may record; names are relative to `statsd_prefix`. */
export interface Metrics {
  increment(name: string, tags?: readonly string[]): void;
  gauge(name: string, value: number, tags?: readonly string[]): void;
  timing(name: string, ms: number, tags?: readonly string[]): void;
  close(): Promise<void>;
}

export interface StatsdSettings {
  statsd_host: string | null;
  statsd_prefix: string;
  dogstatsd_tags: string;
}

/** Used when statsd_host is unset, so callers never test for null. */
export const NO_METRICS: Metrics = Object.freeze({
  increment(): void {},
  gauge(): void {},
  timing(): void {},
  close: async (): Promise<void> => {},
});

/** Gunicorn adds a trailing dot to a non-empty prefix that lacks one. */
export function normalizePrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.`;
}

/** `k:v,k2:v2` → `['k:v', 'k2:v2']`; blanks are dropped. */
export function parseDogstatsdTags(value: string): string[] {
  return value.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** A statsd client for statsd_host, or NO_METRICS when it is null. */
export function createMetrics(settings: StatsdSettings, report: ErrorReporter): Metrics {
  if (settings.statsd_host === null || settings.statsd_host === '') return NO_METRICS;
  const sender = createSender(parseStatsdAddress(settings.statsd_host), report);
  const prefix = normalizePrefix(settings.statsd_prefix);
  const globalTags = parseDogstatsdTags(settings.dogstatsd_tags);
  const send = (name: string, value: number, type: 'c' | 'g' | 'ms', tags: readonly string[] | undefined): void =>
    sender.send(statsdLine(`${prefix}${name}`, value, type, tags === undefined ? globalTags : [...globalTags, ...tags]));
  return {
    increment: (name, tags) => send(name, 1, 'c', tags),
    gauge: (name, value, tags) => send(name, value, 'g', tags),
    timing: (name, ms, tags) => send(name, ms, 'ms', tags),
    close: () => sender.close(),
  };
}
