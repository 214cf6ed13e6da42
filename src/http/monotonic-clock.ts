// performance.now() for code that runs on every request or stream. On Node 20 the global
// `performance` is an accessor: each `performance.now()` written against the global first runs
// its getter. node:perf_hooks' export is a plain binding. (Measured with bench/instructions:
// the global read cost a few hundred instructions per request in a worker.)
import { performance } from 'node:perf_hooks';

/** Milliseconds on the monotonic clock (performance.now()). */
export function monotonicMs(): number {
  return performance.now();
}
