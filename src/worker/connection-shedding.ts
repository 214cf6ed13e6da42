// Shedding keep-alive connections: while another worker warms up, the arbiter
// tells this one to answer with `Connection: close`. Its clients reconnect through the
// shared socket and some land on the warming worker; without this, keep-alive clients stay
// where they are and a worker with warmup_requests never sees a request. The worker keeps
// accepting meanwhile, and stops shedding when the arbiter says so (its `shed` order).
import type { ServerResponse } from 'node:http';

export class ConnectionShedding {
  #on = false;

  get shedding(): boolean { return this.#on; }

  start(): void { this.#on = true; }

  stop(): void { this.#on = false; }

  /** Called for every response before the app sees it. */
  prepare(res: ServerResponse): void {
    if (this.#on) res.shouldKeepAlive = false;
  }
}
