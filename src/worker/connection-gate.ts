// Accepts connections on the inherited listening sockets and admits at most `limit` of them
// into the HTTP server at a time (worker_connections; 1 for the sync class). It also tracks
// every admitted connection's idle time, which the lazy drain needs, and which connections
// left HTTP (an upgrade such as WebSocket, or a CONNECT tunnel): those are never idle-closed
// and do not hold up the end of the HTTP drain; the app closes them itself.
//
// At the limit the gate stops accepting (accept-pause.ts), so further connections wait in
// the kernel queue, where any worker with room can take them, and it accepts again as soon
// as one of its connections closes. Pausing inside the accept callback also ends libuv's
// loop over already-queued connections (test/unit/accept-pause.test.ts checks it). Should a
// connection still arrive over the limit (a handle that cannot pause, or two listeners
// ready in the same poll), it is kept paused (nothing read, so no request starts) and
// admitted in arrival order as slots free up.
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { EventEmitter } from 'node:events';
import type { InheritedSocket } from '../ipc/messages.js';
import { acceptedSocketOf } from '../http/index.js';
import { acceptPauseOf, type AcceptPause } from './accept-pause.js';

/** A connection's record in the gate, opaque outside it. */
export interface ConnectionSlot { readonly busy: number }

interface Conn extends ConnectionSlot {
  /** Requests on this connection whose response has not closed yet. */
  busy: number;
  /** performance.now() when it last became idle (admission counts). */
  idleSince: number;
  /** Taken over by an upgrade or CONNECT: no longer HTTP. */
  upgraded: boolean;
}

export class ConnectionGate {
  readonly #listeners: NetServer[] = [];
  /** Pause controls of the listeners this worker accepts on; emptied when it stops accepting. */
  #pauses: AcceptPause[] = [];
  readonly #admitted = new Map<Socket, Conn>();
  readonly #parked: Socket[] = [];
  #upgraded = 0;
  #waiters: { readonly httpOnly: boolean; readonly resolve: () => void }[] = [];

  constructor(private readonly http: EventEmitter, private readonly limit: number) {}

  /** Starts accepting on every inherited fd. */
  async listen(sockets: readonly InheritedSocket[], backlog: number): Promise<void> {
    for (const sock of sockets) {
      // noDelay as http.createServer sets it: the server that accepts applies it, and this one
      // accepts for the http server. Without it Nagle's algorithm holds back small responses.
      const server = createNetServer({ pauseOnConnect: true, noDelay: true }, (s) => this.#accepted(s));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // The backlog must be passed here: listen() on the inherited socket would reset it to 511.
        server.listen({ fd: sock.fd }, backlog, () => { server.off('error', reject); resolve(); });
      });
      this.#listeners.push(server);
      const pause = acceptPauseOf(server);
      if (pause) this.#pauses.push(pause);
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
    this.#pauses = [];
  }

  get connections(): number { return this.#admitted.size + this.#parked.length; }

  /** Connections still speaking HTTP (upgraded ones left out). */
  get httpConnections(): number { return this.connections - this.#upgraded; }

  /** Marks the connection of `socket` as taken over by an upgrade or a CONNECT tunnel. */
  upgraded(socket: object): void {
    const conn = this.#admitted.get(acceptedSocketOf(socket) as Socket);
    if (conn === undefined || conn.upgraded) return;
    conn.upgraded = true;
    this.#upgraded++;
    this.#notify();
  }

  /**
   * Marks a request started on `socket`; hand the returned slot to requestDone() when its
   * response closes. Undefined for a socket this gate did not admit.
   */
  requestStarted(socket: Socket): ConnectionSlot | undefined {
    // Under TLS (and PROXY) the request's socket wraps the one this gate accepted.
    const conn = this.#admitted.get(acceptedSocketOf(socket) as Socket);
    if (conn) conn.busy++;
    return conn;
  }

  /** `now`: performance.now(), when the caller has just read it. */
  requestDone(conn: ConnectionSlot | undefined, now = performance.now()): void {
    if (conn === undefined) return;
    const c = conn as Conn;
    c.busy--;
    if (c.busy === 0) c.idleSince = now;
  }

  /** Destroys admitted connections idle for at least `idleMs` (no request in flight). */
  closeIdle(idleMs: number): void {
    const now = performance.now();
    for (const [socket, conn] of this.#admitted) {
      if (conn.busy === 0 && !conn.upgraded && now - conn.idleSince >= idleMs) socket.destroy();
    }
  }

  /** Destroys everything, parked connections included (hard stop). */
  destroyAll(): void {
    for (const socket of [...this.#admitted.keys(), ...this.#parked]) socket.destroy();
  }

  /** Resolves when no connection remains, admitted or parked. */
  whenEmpty(): Promise<void> {
    return this.#when(false);
  }

  /** Resolves when no HTTP connection remains: only upgraded ones, if any. */
  whenNoHttp(): Promise<void> {
    return this.#when(true);
  }

  #when(httpOnly: boolean): Promise<void> {
    if ((httpOnly ? this.httpConnections : this.connections) === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ httpOnly, resolve }));
  }

  #accepted(socket: Socket): void {
    if (this.#admitted.size < this.limit) this.#admit(socket);
    else this.#parked.push(socket);
  }

  #admit(socket: Socket): void {
    this.#admitted.set(socket, { busy: 0, idleSince: performance.now(), upgraded: false });
    if (this.#admitted.size >= this.limit) for (const pause of this.#pauses) pause.pause();
    socket.once('close', () => {
      if (this.#admitted.get(socket)?.upgraded === true) this.#upgraded--;
      this.#admitted.delete(socket);
      const next = this.#parked.shift();
      if (next) this.#admit(next);
      else {
        for (const pause of this.#pauses) pause.resume();
        this.#notify();
      }
    });
    this.http.emit('connection', socket);
    // pauseOnConnect left the socket paused; the http parser only reads once it flows.
    socket.resume();
  }

  #notify(): void {
    const http = this.httpConnections;
    const all = this.connections;
    const due = this.#waiters.filter((w) => (w.httpOnly ? http : all) === 0);
    if (due.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => !due.includes(w));
    for (const w of due) w.resolve();
  }
}
