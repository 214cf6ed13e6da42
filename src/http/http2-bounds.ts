// Time bounds on HTTP/2 sessions and streams, the counterparts of the HTTP/1.x edge's
// keep-alive, headers and request timeouts (node:http2 has none by default: a client could
// hold a session open for ever, even after the server ended it with GOAWAY for an error, and
// a stream waiting on its client could hold a request slot for ever). One sweep a second per
// server checks them: a stream that ends within a second costs two Map updates and no timer
// (nor a clock read: a stream's age is counted in sweeps).
import type http2 from 'node:http2';
import { monotonicMs } from '../monotonic-clock.js';

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

interface SessionState {
  /** Open streams → the sweep count when each opened. */
  readonly open: Map<http2.ServerHttp2Stream, number>;
  idleSince: number;
  closing: boolean;
}

/** Applies `bounds` to every session `server` creates. */
export function boundHttp2Sessions(server: http2.Http2Server | http2.Http2SecureServer, bounds: Http2Bounds): void {
  const sessions = new Map<http2.ServerHttp2Session, SessionState>();
  /** Streams open for a second or more, watched by their own inactivity timer. */
  const watched = new WeakSet<http2.ServerHttp2Stream>();
  let sweep: NodeJS.Timeout | null = null;
  /** Sweeps so far: the clock of stream ages, in SWEEP_MS steps. */
  let sweeps = 0;

  const tick = (): void => {
    sweeps++;
    const now = monotonicMs();
    for (const [session, state] of sessions) {
      if (state.open.size === 0) {
        if (!state.closing && now - state.idleSince >= bounds.idleMs) closeIdle(session, state);
        continue;
      }
      for (const [stream, opened] of state.open) {
        // Opened between sweeps `opened` and `opened + 1`: at least this old (at most a sweep older).
        const age = (sweeps - opened - 1) * SWEEP_MS;
        if (age < SWEEP_MS || stream.destroyed) continue;
        if (age >= bounds.requestMs && stream.state.remoteClose !== 1) stream.close(CANCEL);
        else if (!watched.has(stream)) watch(stream, bounds.stalledMs, watched);
      }
    }
  };

  server.on('session', (session: http2.ServerHttp2Session) => {
    const state: SessionState = { open: new Map(), idleSince: monotonicMs(), closing: false };
    sessions.set(session, state);
    if (sweep === null) {
      sweep = setInterval(tick, SWEEP_MS);
      sweep.unref();
    }
    // One listener per session, shared by its streams: no closure per stream.
    function streamClosed(this: http2.ServerHttp2Stream): void {
      state.open.delete(this);
      if (state.open.size === 0) state.idleSince = monotonicMs();
    }
    session.on('stream', (stream: http2.ServerHttp2Stream) => {
      state.open.set(stream, sweeps);
      stream.on('close', streamClosed);
    });
    session.once('close', () => {
      sessions.delete(session);
      if (sessions.size === 0 && sweep !== null) { clearInterval(sweep); sweep = null; }
    });
  });
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
