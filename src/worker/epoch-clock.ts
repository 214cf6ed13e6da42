// Microseconds since the epoch with sub-millisecond resolution, for enrich_response's arrival
// time. Date.now() is the wall clock but counts whole milliseconds; a monotonic clock has the
// resolution but not the epoch, and the two drift apart: NTP slews the wall clock (~50 ppm on
// the test machine, seconds a day), so performance.timeOrigin + performance.now() in a
// long-lived worker ends up off the epoch by as much. Each reading here is the monotonic clock
// plus an offset, and the offset is corrected whenever the reading falls outside the
// millisecond Date.now() names.
import { monotonicMs } from '../monotonic-clock.js';

/** An epoch clock in µs from a wall clock in whole ms and a monotonic clock in ms (injectable for tests). */
export function epochClock(wallMs: () => number = Date.now, monoMs: () => number = monotonicMs): () => number {
  let offsetUs = wallMs() * 1000 - monoMs() * 1000;
  return () => {
    const wallUs = wallMs() * 1000;
    let t = monoMs() * 1000 + offsetUs;
    // The true time is within [wallUs, wallUs + 1000): a reading outside moves just inside it.
    if (t < wallUs) {
      offsetUs += wallUs - t;
      t = wallUs;
    } else if (t >= wallUs + 1000) {
      offsetUs -= t - (wallUs + 999);
      t = wallUs + 999;
    }
    return Math.round(t);
  };
}
