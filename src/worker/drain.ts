// The lazy drain: stop accepting without http's idle-connection sweep,
// answer the next request on every keep-alive connection with `Connection: close`, close
// idle connections only once the advertised keep-alive timeout has passed, and report when
// no HTTP connection is left. Closing idle keep-alive connections at once races with clients
// reusing them, which is how other managers lose requests on reload. Upgraded connections
// (WebSockets) cannot be drained by a response: the app closes them (shutdown.ts tells it).
// HTTP/2 sessions drain with GOAWAY: session.close() tells the client the last stream the
// worker will process, lets those streams finish, then closes; the client opens any later
// stream on a new connection (another worker).
import type { ServerResponse } from 'node:http';
import type { Http2Session } from 'node:http2';
import type { ConnectionGate } from './connection-gate.js';

export interface DrainOptions {
  /** The keep-alive timeout the server advertises (Keep-Alive: timeout=N), in ms. */
  readonly keepAliveMs: number;
  /** False when the server never keeps connections alive (keepalive 0, sync class). */
  readonly keepsAlive: boolean;
}

/** How often the drain looks for connections idle past the keep-alive timeout. */
const SWEEP_MS = 250;

export class Drain {
  #draining: Promise<void> | null = null;
  readonly #sessions = new Set<Http2Session>();

  constructor(private readonly gate: ConnectionGate, private readonly opts: DrainOptions) {}

  get draining(): boolean { return this.#draining !== null; }

  /**
   * Called for every response before the app sees it: decides its Connection header. The
   * responses in flight when the drain starts are the gate's to find (no per-request record).
   */
  prepare(res: ServerResponse): void {
    if (this.#draining || !this.opts.keepsAlive) res.shouldKeepAlive = false;
  }

  /** Called for every HTTP/2 session the server opens. */
  session(session: Http2Session): void {
    if (this.#draining) {
      session.close();
      return;
    }
    this.#sessions.add(session);
    session.once('close', () => this.#sessions.delete(session));
  }

  /** Stops accepting; resolves once no HTTP connection remains (upgraded ones may). Idempotent. */
  start(): Promise<void> {
    if (this.#draining) return this.#draining;
    this.gate.stopAccepting();
    // Requests already running answer with Connection: close when their headers are not out yet.
    this.gate.closeAfterInFlight();
    for (const session of this.#sessions) session.close();
    this.#sessions.clear();
    const sweep = setInterval(() => this.gate.closeIdle(this.opts.keepAliveMs), SWEEP_MS);
    this.#draining = this.gate.whenNoHttp().then(() => clearInterval(sweep));
    return this.#draining;
  }
}
