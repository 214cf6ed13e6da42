// Runs wrk (Debian package) with --latency for bench/recycle and parses what the report
// needs: requests/s, p50/p99/max latency, socket errors and non-2xx responses.
import { execFile } from 'node:child_process';

export interface WrkFigures {
  readonly requests: number;
  readonly rps: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly maxMs: number;
  readonly socketErrors: number;
  /** Of socketErrors: requests wrk gave up on after its 2 s timeout (slow, not refused). */
  readonly timeouts: number;
  readonly non2xx: number;
}

function toMs(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec((text ?? '').trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
}

export function parseWrkFigures(out: string): WrkFigures {
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    p50ms: toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1]),
    p99ms: toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
    maxMs: toMs(/^\s+Latency\s+\S+\s+\S+\s+(\S+)/m.exec(out)?.[1]),
    socketErrors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    timeouts: Number(socket?.[4] ?? 0),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

/** wrk -t2 -cN -dS --latency URL; resolves with the figures and the raw output. */
export function runWrk(url: string, connections: number, seconds: number, threads = 2): Promise<{ figures: WrkFigures; raw: string }> {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', url];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 30) * 1000 }, (err, stdout) =>
      (err ? reject(err) : resolve({ figures: parseWrkFigures(stdout), raw: stdout })));
  });
}
