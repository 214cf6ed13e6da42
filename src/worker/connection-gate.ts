// Accepts connections on the inherited listening sockets and admits at most `limit` of them
// into the HTTP server at a time (worker_connections; 1 for the sync class). It also tracks
// every admitted connection's idle time, which the lazy drain needs.
//
// Node cannot pause accepting on a listening handle, and an inherited fd cannot be reopened
// once closed. So connections over the limit are accepted, kept paused (nothing read, so no
// request starts) and admitted in arrival order as slots free up. They wait in this worker,
// not in the kernel queue: another idle worker cannot take them.
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { InheritedSocket } from '../ipc/messages.js';
import { acceptedSocketOf } from '../http/index.js';

interface Conn {
  /** Requests on this connection whose response has not closed yet. */
  busy: number;
  /** performance.now() when it last became idle (admission counts). */
  idleSince: number;
}

export class ConnectionGate {
  readonly #listeners: NetServer[] = [];
  readonly #admitted = new Map<Socket, Conn>();
  readonly #parked: Socket[] = [];
  #emptyWaiters: (() => void)[] = [];

  constructor(private readonly http: HttpServer, private readonly limit: number) {}

  /** Starts accepting on every inherited fd. */
  async listen(sockets: readonly InheritedSocket[], backlog: number): Promise<void> {
    for (const sock of sockets) {
      const server = createNetServer({ pauseOnConnect: true }, (s) => this.#accepted(s));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // The backlog must be passed here: listen() on the inherited socket would reset it to 511.
        server.listen({ fd: sock.fd }, backlog, () => { server.off('error', reject); resolve(); });
      });
      this.#listeners.push(server);
    }
    // http.Server starts its headers/request timeout checks on 'listening'; it never listens
    // itself here, so it is told once the gate is accepting.
    this.http.emit('listening');
  }

  /**
   * Closes this worker's listening handles only. The sockets stay open in the arbiter and the
   * other workers, so queued and new connections go there; no http idle-connection sweep runs.
   */
  stopAccepting(): void {
    for (const server of this.#listeners) server.close();
    this.#listeners.length = 0;
  }

  get connections(): number { return this.#admitted.size + this.#parked.length; }

  /** Marks a request started on `socket` until `done` fires (its response closed). */
  requestStarted(socket: Socket, onDone: (cb: () => void) => void): void {
    // Under TLS (and PROXY) the request's socket wraps the one this gate accepted.
    const conn = this.#admitted.get(acceptedSocketOf(socket) as Socket);
    if (!conn) return;
    conn.busy++;
    onDone(() => {
      conn.busy--;
      if (conn.busy === 0) conn.idleSince = performance.now();
    });
  }

  /** Destroys admitted connections idle for at least `idleMs` (no request in flight). */
  closeIdle(idleMs: number): void {
    const now = performance.now();
    for (const [socket, conn] of this.#admitted) {
      if (conn.busy === 0 && now - conn.idleSince >= idleMs) socket.destroy();
    }
  }

  /** Destroys everything, parked connections included (hard stop). */
  destroyAll(): void {
    for (const socket of [...this.#admitted.keys(), ...this.#parked]) socket.destroy();
  }

  /** Resolves when no connection remains, admitted or parked. */
  whenEmpty(): Promise<void> {
    if (this.connections === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  #accepted(socket: Socket): void {
    if (this.#admitted.size < this.limit) this.#admit(socket);
    else this.#parked.push(socket);
  }

  #admit(socket: Socket): void {
    this.#admitted.set(socket, { busy: 0, idleSince: performance.now() });
    socket.once('close', () => {
      this.#admitted.delete(socket);
      const next = this.#parked.shift();
      if (next) this.#admit(next);
      else if (this.connections === 0) this.#notifyEmpty();
    });
    this.http.emit('connection', socket);
    // pauseOnConnect left the socket paused; the http parser only reads once it flows.
    socket.resume();
  }

  #notifyEmpty(): void {
    const waiters = this.#emptyWaiters;
    this.#emptyWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
