// Accepts connections on the inherited listening sockets and hands them to the HTTP server,
// keeping two bounds per worker (Gunicorn's worker_connections; 1 slot for the sync class):
//
// - Requests in flight: a connection counts against `limit` only once its request head is
//   complete (a 'request' event), never while it is still sending the head. At the limit the
//   gate stops accepting (accept-pause.ts), so further connections wait in the kernel queue
//   where any worker with a free slot takes them; a head that completes meanwhile on a
//   connection already here waits, its socket paused, until a slot frees (hold()).
// - Connections sending a head (new ones and idle keep-alive ones): at most `headLimit`. When
//   that is reached the oldest of them (by accept time) is closed with 408, and above half of
//   it the head timeout shortens in proportion, so slow clients are shed and can never
//   starve the worker.
//
// - HTTP/2 streams: each stream in flight takes a request slot, like a request over HTTP/1.x,
//   and one connection's streams take at most half of the slots at once (`share`): its further
//   streams wait, flow-controlled, until one of its own ends, so one HTTP/2 client can never
//   take a worker's whole capacity while others wait.
//
// It also tracks each connection's idle time, which the lazy drain needs, and which connections
// left HTTP (an upgrade such as WebSocket, or a CONNECT tunnel): those are never idle-closed
// or shed, and do not hold up the end of the HTTP drain; the app closes them itself.
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { EdgeServer } from '../http/index.js';
import type { InheritedSocket } from '../ipc/messages.js';
import { acceptedSocketOf, closingResponse, isCleartextHttp2, isHttp2Request, isTlsServer } from '../http/index.js';
import { acceptPauseOf, type AcceptPause } from './accept-pause.js';
import { admittedSocketOf, markAdmitted, markAdmittedSession } from './admitted-socket.js';
import { monotonicMs } from '../monotonic-clock.js';

/** A connection's record in the gate, opaque outside it. */
export interface ConnectionSlot { readonly busy: number }

interface Conn extends ConnectionSlot {
  /** Requests on this connection whose response has not closed yet. */
  busy: number;
  /** A complete head waits for a slot (hold()): not a slow client. */
  held: boolean;
  /** monotonicMs() when it last became idle (admission counts). */
  idleSince: number;
  /** Taken over by an upgrade or CONNECT: no longer HTTP. */
  upgraded: boolean;
  /** HTTP/2 streams over its share, waiting for one of its own to end (created when needed). */
  waiting: (() => boolean)[] | null;
  /** The latest response on this connection while a request is in flight (for the drain). */
  response: ServerResponse | undefined;
}

/** How often head-phase connections are checked against the shortened head timeout. */
const PRESSURE_SWEEP_MS = 500;
/** The head timeout never shortens below this, so a client on a slow link still gets through. */
const MIN_HEAD_TIMEOUT_MS = 1000;
/**
 * With this few request slots (sync: 1) the worker takes one connection per event-loop turn:
 * libuv would otherwise accept every queued connection in one go, and their requests would
 * wait here for the slot while another worker sits idle.
 */
const ONE_ACCEPT_PER_TURN_BELOW = 8;

export class ConnectionGate {
  readonly #listeners: NetServer[] = [];
  /** Pause controls of the listeners this worker accepts on; emptied when it stops accepting. */
  #pauses: AcceptPause[] = [];
  /** Every connection, oldest first (a Map keeps insertion order). */
  readonly #admitted = new Map<Socket, Conn>();
  /**
   * Connections with a request in flight or held. The rest are sending a head or idle
   * between requests: counting instead of moving connections between collections keeps the
   * per-request cost at two integer updates.
   */
  #engaged = 0;
  /** Requests whose head completed while every slot was busy, in arrival order. */
  readonly #held: (() => boolean)[] = [];
  #active = 0;
  #sweep: NodeJS.Timeout | null = null;
  /** Connections taken over by an upgrade (never counted as sending a head). */
  #upgraded = 0;
  #waiters: { readonly httpOnly: boolean; readonly resolve: () => void }[] = [];

  /**
   * `limit`: requests in flight (worker_connections, or 1 for sync); `headLimit`: connections
   * still sending a head or idle between requests.
   */
  constructor(private readonly http: EdgeServer, private readonly limit: number, private readonly headLimit = Math.max(limit, 1000)) {
    // An HTTP/2 session over TLS only knows its TLS socket: mark it with the one admitted.
    if (isTlsServer(http)) http.prependListener('secureConnection', (tlsSocket: object) => markAdmitted(tlsSocket, acceptedSocketOf(tlsSocket) as Socket));
    // Each HTTP/2 session (the cleartext server's too are reported here), once its socket is marked.
    http.on('session', markAdmittedSession);
  }

  /** Request slots one connection's HTTP/2 streams may take at once. */
  get share(): number { return Math.max(1, Math.floor(this.limit / 2)); }

  /** Starts accepting on every inherited fd. */
  async listen(sockets: readonly InheritedSocket[], backlog: number): Promise<void> {
    for (const sock of sockets) {
      // noDelay as http.createServer sets it: the server that accepts applies it, and this one
      // accepts for the http server. Without it Nagle's algorithm holds back small responses.
      const server = createNetServer({ pauseOnConnect: true, noDelay: true }, (s) => this.#admit(s));
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

  get connections(): number { return this.#admitted.size; }

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
   * Wraps the request listener: a request whose head completes while every slot is busy
   * waits, its connection paused, until a slot frees; then `listener` runs.
   */
  hold(listener: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      if (isHttp2Request(req)) {
        const socket = admittedSocketOf(req);
        const conn = socket === undefined ? undefined : this.#admitted.get(socket);
        // The common case allocates nothing: a free slot, and the connection within its share.
        if (!this.#overShare(conn) && this.#active < this.limit) {
          listener(req, res);
          return;
        }
        this.#holdStream(conn, () => {
          if (req.socket.destroyed) return false;
          listener(req, res);
          return true;
        });
        return;
      }
      if (this.#active < this.limit) {
        listener(req, res);
        return;
      }
      // Its head is complete: it is no longer a slow client that could be shed.
      const conn = this.#admitted.get(acceptedSocketOf(req.socket) as Socket);
      if (conn !== undefined && conn.busy === 0 && !conn.held) { conn.held = true; this.#engaged++; }
      req.socket.pause();
      this.#held.push(() => {
        if (conn?.held === true) { conn.held = false; this.#engaged--; }
        if (req.socket.destroyed) return false;
        req.socket.resume();
        listener(req, res);
        return true;
      });
    };
  }

  /**
   * An HTTP/2 stream that cannot run at once (no free slot, or its connection at its share)
   * waits, its body held back by HTTP/2 flow control (its socket carries other
   * streams and is never paused). `start` returns false for a stream gone meanwhile.
   */
  #holdStream(conn: Conn | undefined, start: () => boolean): void {
    const run = (): boolean => {
      // Released by another connection's slot while this one is at its share: back in line behind its own.
      if (this.#overShare(conn)) { (conn!.waiting ??= []).push(run); return false; }
      return start();
    };
    if (this.#overShare(conn)) (conn!.waiting ??= []).push(run);
    else this.#held.push(run);
  }

  /** Whether the HTTP/2 connection `conn` already runs as many streams as its share of the slots. */
  #overShare(conn: Conn | undefined): boolean {
    return conn !== undefined && conn.busy >= this.share;
  }

  /**
   * Marks a request started on `socket` (the admitted one: admittedSocketOf()); hand the returned slot to requestDone() when its
   * response closes. Undefined for a socket this gate did not admit.
   */
  requestStarted(socket: Socket | undefined, res: ServerResponse): ConnectionSlot | undefined {
    const conn = socket === undefined ? undefined : this.#admitted.get(socket);
    if (conn === undefined) return undefined;
    conn.response = res;
    if (conn.busy++ === 0) this.#engaged++;
    if (++this.#active >= this.limit) for (const pause of this.#pauses) pause.pause();
    return conn;
  }

  /** `now`: monotonicMs(), when the caller has just read it. */
  requestDone(conn: ConnectionSlot | undefined, now = monotonicMs()): void {
    if (conn === undefined) return;
    const c = conn as Conn;
    this.#active--;
    if (--c.busy === 0) {
      c.response = undefined;
      c.idleSince = now;
      this.#engaged--;
      this.#checkHeads();
    }
    // The next of its own waiting streams queues behind every other connection's held request.
    const next = c.waiting?.shift();
    if (next !== undefined) this.#held.push(next);
    // A held request takes the slot first; only then may new connections come in.
    while (this.#held.length > 0 && this.#active < this.limit) if (this.#held.shift()!()) return;
    if (this.#active < this.limit) for (const pause of this.#pauses) pause.resume();
  }

  /**
   * The drain begins: each response in flight whose head is not out yet answers with
   * `Connection: close`. (Of pipelined requests, the latest; the connection closes after it.)
   */
  closeAfterInFlight(): void {
    for (const conn of this.#admitted.values()) {
      if (conn.response !== undefined && !conn.response.headersSent) conn.response.shouldKeepAlive = false;
    }
  }

  /** Destroys admitted connections idle for at least `idleMs` (no request in flight). */
  closeIdle(idleMs: number): void {
    const now = monotonicMs();
    for (const [socket, conn] of this.#admitted) {
      if (conn.busy === 0 && !conn.upgraded && now - conn.idleSince >= idleMs) socket.destroy();
    }
  }

  /** Destroys everything (hard stop). */
  destroyAll(): void {
    for (const socket of [...this.#admitted.keys()]) socket.destroy();
  }

  /** Resolves when no connection remains. */
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

  #admit(socket: Socket): void {
    if (this.limit < ONE_ACCEPT_PER_TURN_BELOW) {
      // Pausing inside the accept callback ends libuv's accept loop (accept-pause.ts).
      for (const pause of this.#pauses) pause.pause();
      setImmediate(() => { if (this.#active < this.limit) for (const pause of this.#pauses) pause.resume(); });
    }
    const conn: Conn = { busy: 0, held: false, idleSince: monotonicMs(), upgraded: false, waiting: null, response: undefined };
    this.#admitted.set(socket, conn);
    markAdmitted(socket, socket);
    socket.once('close', () => {
      this.#admitted.delete(socket);
      // A connection closed with a request in flight is released by requestDone().
      if (conn.held) { conn.held = false; this.#engaged--; }
      if (conn.upgraded) this.#upgraded--;
      this.#notify();
    });
    this.#checkHeads();
    this.http.emit('connection', socket);
    // pauseOnConnect left the socket paused; the http parser only reads once it flows.
    socket.resume();
  }

  /**
   * Connections sending a head or idle between requests. A method, not a private getter: it
   * runs on every request, and V8 does not inline private accessors.
   */
  #heads(): number { return this.#admitted.size - this.#engaged - this.#upgraded; }

  /** At the bound the oldest head-phase connections are shed; above half, the sweep runs. */
  #checkHeads(): void {
    if (this.#heads() > this.headLimit) {
      for (const [socket, conn] of this.#admitted) {
        if (conn.busy > 0 || conn.held || conn.upgraded || this.#closing.has(socket)) continue;
        this.#shed(socket);
        if (this.#heads() - this.#shedding <= this.headLimit) break;
      }
    }
    if (this.#sweep === null && this.#heads() > this.headLimit / 2) {
      this.#sweep = setInterval(() => this.#sweepHeads(), PRESSURE_SWEEP_MS);
      this.#sweep.unref();
    }
  }

  /**
   * Above half the bound, the time a connection may spend on its head shrinks with the
   * pressure: the full headers timeout at half, down to MIN_HEAD_TIMEOUT_MS at the bound.
   */
  #sweepHeads(): void {
    const half = this.headLimit / 2;
    if (this.#heads() <= half) {
      clearInterval(this.#sweep!);
      this.#sweep = null;
      return;
    }
    const pressure = Math.min(1, (this.#heads() - half) / half);
    const allowed = Math.max(MIN_HEAD_TIMEOUT_MS, this.http.headersTimeout * (1 - pressure));
    const now = monotonicMs();
    for (const [socket, conn] of this.#admitted) {
      if (conn.busy === 0 && !conn.held && !conn.upgraded && !this.#closing.has(socket) && now - conn.idleSince >= allowed) this.#shed(socket);
    }
  }

  /** Connections shed but not closed yet (a 408 on its way): no longer counted as heads. */
  readonly #closing = new Set<Socket>();
  get #shedding(): number { return this.#closing.size; }

  /** Closes a connection that has no request in flight: 408 on plain HTTP/1.x, a plain close under TLS or HTTP/2. */
  #shed(socket: Socket): void {
    if (this.#closing.has(socket)) return;
    this.#closing.add(socket);
    socket.once('close', () => this.#closing.delete(socket));
    if (isTlsServer(this.http) || !socket.writable || isCleartextHttp2(socket)) {
      socket.destroy();
      return;
    }
    socket.end(closingResponse(408, 'too many connections sending their request head'));
    setTimeout(() => socket.destroy(), 1000).unref();
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
