// Time bounds on HTTP/2 sessions and streams, the counterparts of the HTTP/1.x edge's
// keep-alive, headers and request timeouts (node:http2 has none by default: a client could
// hold a session open for ever, even after the server ended it with GOAWAY for an error, and
// a stream waiting on its client could hold a request slot for ever).
import http2 from 'node:http2';

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

/** After GOAWAY, how long a session may take to finish before its socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

/** Applies `bounds` to every session `server` creates. */
export function boundHttp2Sessions(server: http2.Http2Server | http2.Http2SecureServer, bounds: Http2Bounds): void {
  server.on('session', (session: http2.ServerHttp2Session) => boundSession(session, bounds));
}

function boundSession(session: http2.ServerHttp2Session, bounds: Http2Bounds): void {
  let open = 0;
  let idle: NodeJS.Timeout | null = null;
  const goIdle = (): void => {
    idle = setTimeout(() => {
      // GOAWAY; a stream the client opened meanwhile is refused and retried by the client.
      session.close();
      setTimeout(() => session.destroy(), CLOSE_GRACE_MS).unref();
    }, bounds.idleMs);
    idle.unref();
  };
  goIdle();
  session.on('close', () => { if (idle !== null) clearTimeout(idle); });
  session.on('stream', (stream: http2.ServerHttp2Stream) => {
    if (idle !== null) { clearTimeout(idle); idle = null; }
    open++;
    const request = setTimeout(() => {
      // The client has not finished sending its request.
      if (stream.state.remoteClose !== 1) stream.close(http2.constants.NGHTTP2_CANCEL);
    }, bounds.requestMs);
    request.unref();
    // Fires after stalledMs without a frame read or written on the stream. An app that is
    // merely quiet (long polling, server-sent events between events) is left alone.
    stream.setTimeout(bounds.stalledMs, () => {
      const clientStalled = stream.state.remoteClose !== 1 || stream.writableLength > 0 || stream.bufferSize > 0;
      if (clientStalled) stream.close(http2.constants.NGHTTP2_CANCEL);
    });
    stream.once('close', () => {
      clearTimeout(request);
      if (--open === 0 && !session.closed && !session.destroyed) goIdle();
    });
  });
}
