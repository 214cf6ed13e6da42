// Shedding keep-alive connections (issue 5): while another worker warms up, the arbiter
// tells this one to answer with `Connection: close`. Its clients reconnect through the
// shared socket and some land on the warming worker; without this, keep-alive clients stay
// where they are and a worker with warmup_requests never sees a request. The worker keeps
// accepting meanwhile, and stops shedding when the arbiter says so.
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

  /** Follows the arbiter's IPC `shed` messages. */
  listen(): void {
    process.on('message', (msg: unknown) => {
      const shed = msg as { type?: unknown; active?: unknown } | null;
      if (shed?.type !== 'shed') return;
      if (shed.active === true) this.start();
      else this.stop();
    });
  }
}
