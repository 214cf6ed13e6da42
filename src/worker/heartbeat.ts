// Sends the periodic `beat` message from a plain timer on the worker's event loop, so a
// loop blocked by the app stops the beats and the arbiter's `timeout` check notices.
import type { FromWorker } from '../ipc/messages.js';

/** timeout/4 seconds, kept between 1 s and 5 s, in milliseconds. */
export function beatInterval(timeoutSeconds: number): number {
  const quarter = (timeoutSeconds * 1000) / 4;
  return Math.min(5000, Math.max(1000, Number.isFinite(quarter) && quarter > 0 ? quarter : 5000));
}

export function startHeartbeat(
  intervalMs: number,
  counts: () => { requests: number; inFlight: number },
  send: (msg: FromWorker) => void,
): () => void {
  const beat = (): void => send({ type: 'beat', ...counts(), rss: process.memoryUsage.rss() });
  beat();
  const timer = setInterval(beat, intervalMs);
  // The beat must never be what keeps a draining worker alive.
  timer.unref();
  return () => clearInterval(timer);
}
