// Before a scrape, asks every live worker for its current stats (the `stats` message) and
// waits briefly for the answers, so /metrics is exact as soon as load stops instead of up to
// one beat interval later. A worker that does not answer in time (blocked loop) is skipped.
import type { ChildProcess } from 'node:child_process';

/** Bounded so a blocked worker never stalls the scrape for long. */
export const FLUSH_TIMEOUT_MS = 250;

function askOne(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!child.connected) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', done);
      resolve();
    };
    // The answer is a beat; the arbiter's own listener (registered first) has handled it by now.
    const onMessage = (msg: unknown): void => {
      if ((msg as { type?: unknown } | null)?.type === 'beat') done();
    };
    const timer = setTimeout(done, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', done);
    child.send({ type: 'stats' }, (err) => err && done());
  });
}

export async function requestWorkerStats(children: Iterable<ChildProcess>, timeoutMs = FLUSH_TIMEOUT_MS): Promise<void> {
  await Promise.all([...children].map((child) => askOne(child, timeoutMs)));
}
