// Shedding keep-alive connections (issue 5): once the arbiter says a tired worker's
// replacement is accepting, every response of the tired worker carries `Connection: close`.
// Its clients reconnect and land on the shared socket, where the idle replacement picks them
// up; without this, keep-alive clients stay on the old workers and a replacement with
// warmup_requests never sees a request. The worker keeps accepting meanwhile.
import type { ServerResponse } from 'node:http';

export class ConnectionShedding {
  #on = false;

  get shedding(): boolean { return this.#on; }

  start(): void { this.#on = true; }

  /** Called for every response before the app sees it. */
  prepare(res: ServerResponse): void {
    if (this.#on) res.shouldKeepAlive = false;
  }

  /** Starts shedding on the arbiter's IPC `shed` message. */
  listen(): void {
    process.on('message', (msg: unknown) => {
      if ((msg as { type?: unknown } | null)?.type === 'shed') this.start();
    });
  }
}
