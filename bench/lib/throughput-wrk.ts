// Runs wrk (Debian package) against a URL and parses requests/s and the p50/p99 latencies
// from its --latency output; medians over rounds for the report.
import { execFile } from 'node:child_process';

export interface WrkResult {
  readonly rps: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly errors: number;
  /** Requests completed in the run (for CPU time per request). */
  readonly requests: number;
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(m[1]) * unit;
}

export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const p50ms = toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const p99ms = toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + non2xx;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN);
  return { rps, p50ms, p99ms, errors, requests };
}

export function runWrk(url: string, seconds: number, close: boolean): Promise<WrkResult> {
  const args = ['-t2', '-c64', `-d${seconds}s`, '--latency', ...(close ? ['-H', 'Connection: close'] : []), url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 30) * 1000 }, (err, stdout) => (err ? reject(err) : resolve(parseWrk(stdout))));
  });
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
