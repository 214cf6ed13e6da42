// max_requests + randint(0, max_requests_jitter), kept pure: the random number comes in as
// an argument, and the policy draws it from a PRNG whose state lives in the policy state.

/** `random01` in [0, 1). 0 max_requests means unlimited and stays 0 whatever the jitter. */
export function maxRequestsWithJitter(maxRequests: number, jitter: number, random01: number): number {
  if (maxRequests <= 0) return 0;
  if (jitter <= 0) return maxRequests;
  return maxRequests + Math.min(jitter, Math.floor(random01 * (jitter + 1)));
}

/** One step of mulberry32: the next PRNG state and a number in [0, 1). */
export function nextRandom(seed: number): { readonly seed: number; readonly value: number } {
  const next = (seed + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { seed: next, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}
