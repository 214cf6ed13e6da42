// Delay before the next spawn after consecutive failed workers (died or timed out before
// becoming ready): exponential, capped, so a broken app is retried calmly, never in a loop.

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 30_000;

/** 1 s after the first failure, then 2, 4, 8, 16 and 30 s from the sixth on. */
export function backoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 30));
}
