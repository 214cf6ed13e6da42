// Time bounds on HTTP/2 sessions and streams, the counterparts of the HTTP/1.x edge's
// keep-alive, headers and request timeouts (node:http2 has none by default: a client could
// hold a session open for ever, even after the server ended it with GOAWAY for an error, and
// a stream waiting on its client could hold a request slot for ever). One sweep a second per
// server checks them.
//
// Every stream is tracked from its request object: node:http2's compatibility API makes one
// for each stream (CONNECT and refused expectations included) with the server's request
// class, and emits 'close' on it when the stream closes. The request is a plain Readable
// with no 'close' listener of its own, where adding one is cheap; the stream already has two
// (the compatibility request's and response's), and node:http2 answers every listener added
// to a stream with a 'newListener' event. A stream takes a slot in its session's table,
// reused once it closes, and costs no Map entry, no timer and no clock read (its age is
// counted in sweeps) unless it outlives a sweep.
import type http2 from 'node:http2';
import type { ReadableOptions } from 'node:stream';
import { monotonicMs } from '../monotonic-clock.js';
import { keepSession } from './forwarded.js';

/** The CANCEL error code (RFC 9113 §7), node:http2's constants.NGHTTP2_CANCEL, for RST_STREAM. */
const CANCEL = 0x8;

export interface Http2Bounds {
  /** A session with no stream open is closed after this (keepalive). */
  readonly idleMs: number;
  /** A stream whose request has not fully arrived by then is reset (the request timeout). */
  readonly requestMs: number;
  /**
   * A stream with no frame read or written for this long is reset if the client is the one
   * holding it up: its request unfinished, or its response waiting on the client's window (timeout).
   */
  readonly stalledMs: number;
}

const SWEEP_MS = 1000;
/** After GOAWAY, how long a session may take to finish before its socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

const STATE = Symbol('gunicorn-ts.http2-bounds');
const SLOT = Symbol('gunicorn-ts.http2-bounds-slot');

type Http2Request = http2.Http2ServerRequest;
type TrackedRequest = Http2Request & { [SLOT]: number };
type BoundedSession = http2.ServerHttp2Session & { [STATE]?: SessionState };

interface SessionState {
  /** Open streams' requests by slot; undefined: a free slot (its index is in `free`). */
  readonly requests: (TrackedRequest | undefined)[];
  /** The sweep count when the request in the same slot opened. */
  readonly opened: number[];
  readonly free: number[];
  open: number;
  idleSince: number;
  closing: boolean;
  /** The 'close' listener of this session's requests: one per session, no closure per stream. */
  readonly closed: (this: TrackedRequest) => void;
}

export interface Http2Bounding {
  /**
   * The request class the HTTP/2 server is to create its requests with (node:http2's
   * `Http2ServerRequest` option): each one registers its stream.
   */
  readonly Request: typeof http2.Http2ServerRequest;
  /** Applies the bounds to every session `server` creates. */
  attach(server: http2.Http2Server | http2.Http2SecureServer): void;
}

/** The bounds of one HTTP/2 server; `Base` is node:http2's Http2ServerRequest (loaded lazily by the caller). */
export function http2Bounding(bounds: Http2Bounds, Base: typeof http2.Http2ServerRequest): Http2Bounding {
  const sessions = new Set<BoundedSession>();
  /** Streams open for a second or more, watched by their own inactivity timer. */
  const watched = new WeakSet<http2.ServerHttp2Stream>();
  let sweep: NodeJS.Timeout | null = null;
  /** Sweeps so far: the clock of stream ages, in SWEEP_MS steps. */
  let sweeps = 0;

  const tick = (): void => {
    sweeps++;
    const now = monotonicMs();
    for (const session of sessions) {
      const state = session[STATE]!;
      if (state.open === 0) {
        if (!state.closing && now - state.idleSince >= bounds.idleMs) closeIdle(session, state);
        continue;
      }
      for (let slot = 0; slot < state.requests.length; slot++) {
        const req = state.requests[slot];
        if (req === undefined) continue;
        // Opened between sweeps `opened` and `opened + 1`: at least this old (at most a sweep older).
        const age = (sweeps - state.opened[slot]! - 1) * SWEEP_MS;
        const stream = req.stream;
        if (age < SWEEP_MS || stream.destroyed) continue;
        if (age >= bounds.requestMs && stream.state.remoteClose !== 1) stream.close(CANCEL);
        else if (!watched.has(stream)) watch(stream, bounds.stalledMs, watched);
      }
    }
  };

  class BoundedRequest extends Base {
    constructor(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, options: ReadableOptions, rawHeaders: readonly string[]) {
      super(stream, headers, options, rawHeaders);
      const session = stream.session as BoundedSession | undefined;
      const self = this as Http2Request as TrackedRequest;
      // The client address of the access log is asked for after the stream closed.
      keepSession(self, session);
      const state = session?.[STATE];
      if (state === undefined) {
        // A session this server did not report (none is expected): the same shape, untracked.
        self[SLOT] = -1;
        return;
      }
      const slot = state.free.pop() ?? state.requests.length;
      state.requests[slot] = self;
      state.opened[slot] = sweeps;
      self[SLOT] = slot;
      state.open++;
      this.on('close', state.closed);
    }
  }

  return {
    Request: BoundedRequest,
    attach(server) {
      server.on('session', (session: BoundedSession) => {
        const state: SessionState = {
          requests: [], opened: [], free: [], open: 0, idleSince: monotonicMs(), closing: false,
          closed(this: TrackedRequest): void {
            const slot = this[SLOT];
            // Only the stream's own close counts, once: an app's req.destroy() emits 'close' on
            // the request too, while its stream (and its response) may go on.
            if (state.requests[slot] !== this || !this.stream.destroyed) return;
            state.requests[slot] = undefined;
            state.free.push(slot);
            if (--state.open === 0) state.idleSince = monotonicMs();
          },
        };
        session[STATE] = state;
        sessions.add(session);
        if (sweep === null) {
          sweep = setInterval(tick, SWEEP_MS);
          sweep.unref();
        }
        session.once('close', () => {
          sessions.delete(session);
          if (sessions.size === 0 && sweep !== null) { clearInterval(sweep); sweep = null; }
        });
      });
    },
  };
}

/** GOAWAY (a stream the client opened meanwhile is refused, and retried by the client), then destroy. */
function closeIdle(session: http2.ServerHttp2Session, state: SessionState): void {
  state.closing = true;
  session.close();
  setTimeout(() => session.destroy(), CLOSE_GRACE_MS).unref();
}

/**
 * Resets `stream` after `ms` without a frame read or written on it, when its client holds it
 * up. An app that is merely quiet (long polling, server-sent events between events) is left alone.
 */
function watch(stream: http2.ServerHttp2Stream, ms: number, watched: WeakSet<http2.ServerHttp2Stream>): void {
  watched.add(stream);
  stream.setTimeout(ms, () => {
    const clientStalled = stream.state.remoteClose !== 1 || stream.writableLength > 0 || stream.bufferSize > 0;
    if (clientStalled) stream.close(CANCEL);
  });
}
