// Merges the cumulative stats every worker reports into totals that only ever grow, across
// worker exits and replacements. Each report adds what changed since that worker's previous
// one, so a worker that leaves keeps its share and a late final report is not counted twice.
import { addStats, diffStats, emptyStats } from './request-stats.js';
import type { RequestStatsSnapshot } from './request-stats.js';

/** Gone workers whose last snapshot is kept, for a final report that arrives after their exit. */
const KEEP_GONE = 256;

export class StatsLedger {
  readonly #last = new Map<number, RequestStatsSnapshot>();
  readonly #inFlight = new Map<number, number>();
  readonly #gone: number[] = [];
  #totals: RequestStatsSnapshot = emptyStats();

  /** A report from worker `id` (a beat or a flush); `inFlight` is omitted for a final report. */
  report(id: number, stats: RequestStatsSnapshot | undefined, inFlight?: number): void {
    if (stats !== undefined) {
      const previous = this.#last.get(id);
      this.#totals = addStats(this.#totals, previous === undefined ? stats : diffStats(stats, previous));
      this.#last.set(id, stats);
    }
    if (inFlight !== undefined && !this.#gone.includes(id)) this.#inFlight.set(id, inFlight);
  }

  /** Worker `id` exited: nothing of it is in flight any more; its counts stay in the totals. */
  gone(id: number): void {
    this.#inFlight.delete(id);
    if (this.#gone.includes(id)) return;
    this.#gone.push(id);
    while (this.#gone.length > KEEP_GONE) this.#last.delete(this.#gone.shift()!);
  }

  get totals(): RequestStatsSnapshot {
    return this.#totals;
  }

  get inFlight(): number {
    let sum = 0;
    for (const n of this.#inFlight.values()) sum += n;
    return sum;
  }
}
