// Counts the requests this worker has served and the ones in flight, and fires the
// one-shot milestones the arbiter cares about: warmed (warmup_requests served) and
// tired (maxRequests served). It never stops serving: retiring is the arbiter's decision.

export interface CounterEvents {
  warmed(requests: number): void;
  tired(requests: number): void;
}

export class RequestCounter {
  #served = 0;
  #inFlight = 0;
  #warmed = false;
  #tired = false;
  #booted = false;

  constructor(
    private readonly warmupRequests: number,
    private readonly maxRequests: number,
    private readonly events: CounterEvents,
  ) {}

  get served(): number { return this.#served; }
  get inFlight(): number { return this.#inFlight; }

  /** Call once the worker is booted: with no warm-up, it is warm at once. */
  booted(): void {
    this.#booted = true;
    this.#check();
  }

  /** A request arrived; call finished() when its response ends (finished or aborted). */
  started(): void {
    this.#inFlight++;
  }

  finished(): void {
    this.#inFlight--;
    this.#served++;
    this.#check();
  }

  #check(): void {
    // Milestones are reported after `booted`, even if requests arrived during post_worker_init.
    if (!this.#booted) return;
    if (!this.#warmed && this.#served >= this.warmupRequests) {
      this.#warmed = true;
      this.events.warmed(this.#served);
    }
    if (!this.#tired && this.maxRequests > 0 && this.#served >= this.maxRequests) {
      this.#tired = true;
      this.events.tired(this.#served);
    }
  }
}
