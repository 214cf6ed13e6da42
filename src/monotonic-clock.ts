// Milliseconds on a monotonic clock, for the worker's durations and idle times (the request
// path, the connection gate, HTTP/2 session bounds). Not performance.now(): Node loads the
// global `performance` on first use, nine internal modules (perf_hooks) that cost a worker
// ~0.9 ms of CPU and ~0.3 MB at its first connection and that nothing else in it needs
// (bench/README.md, "startup"). process.hrtime() costs the same per call (~50-60 ns).
// Readings are compared only with each other: the origin is arbitrary, unlike performance.now().
// hrtime is imported, not read from the global `process`: Node defines globalThis.process as
// an accessor, so every `process.hrtime()` would run a getter first (~130 instructions).
import { hrtime } from 'node:process';

/** The monotonic clock, in ms. */
export function monotonicMs(): number {
  const [seconds, nanos] = hrtime();
  return seconds * 1000 + nanos / 1e6;
}
