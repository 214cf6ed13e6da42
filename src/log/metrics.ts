// Statsd metrics over UDP through hot-shots: the Metrics interface the arbiter and workers
// call, a real client when `statsd_host` is set and a no-op otherwise. A statsd server that
// is down or missing never throws into the caller: UDP is fire-and-forget by design.
import { createRequire } from 'node:module';
import type StatsDClient from 'hot-shots';
import type { ErrorReporter } from './types.js';

// hot-shots costs ~16 MB of RSS to load: only processes that send statsd metrics pay it.
const requireLazily = createRequire(import.meta.url);

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

/** `host:port` → parts; `[::1]:8125` for IPv6. The port defaults to 8125. */
export function parseStatsdHost(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(value.trim());
  const host = m?.[1] ?? m?.[2];
  const port = m?.[3] === undefined ? 8125 : Number(m[3]);
  if (host === undefined || !(port > 0 && port < 65536)) {
    throw new Error(`statsd_host: expected HOST:PORT (e.g. localhost:8125), got ${JSON.stringify(value)}`);
  }
  return { host, port };
}

/** Gunicorn adds a trailing dot to a non-empty prefix that lacks one. */
export function normalizePrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('.') ? prefix : `${prefix}.`;
}

/** `k:v,k2:v2` → `['k:v', 'k2:v2']`; blanks are dropped. */
export function parseDogstatsdTags(value: string): string[] {
  return value.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** A hot-shots client for statsd_host, or NO_METRICS when it is null. */
export function createMetrics(settings: StatsdSettings, report: ErrorReporter): Metrics {
  if (settings.statsd_host === null || settings.statsd_host === '') return NO_METRICS;
  const { host, port } = parseStatsdHost(settings.statsd_host);
  const StatsD = requireLazily('hot-shots') as typeof StatsDClient;
  const client = new StatsD({
    host,
    port,
    prefix: normalizePrefix(settings.statsd_prefix),
    globalTags: parseDogstatsdTags(settings.dogstatsd_tags),
    // Without a handler hot-shots logs to the console; one line per failure is enough.
    errorHandler: (err: Error) => report(`statsd: ${err.message}`),
  });
  // hot-shots' UDP socket must not keep a process alive that has nothing else to do.
  client.socket?.unref?.();
  return {
    increment: (name, tags) => client.increment(name, 1, tags === undefined ? undefined : [...tags]),
    gauge: (name, value, tags) => client.gauge(name, value, tags === undefined ? undefined : [...tags]),
    timing: (name, ms, tags) => client.timing(name, ms, tags === undefined ? undefined : [...tags]),
    close: () => new Promise<void>((resolve) => client.close(() => resolve())),
  };
}
