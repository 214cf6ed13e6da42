// Finds the socket the connection gate admitted for a request, HTTP/1.x or HTTP/2. An HTTP/2
// request's socket, and its session's, are proxies that never hand out the socket itself; a
// read of any other property passes through to it, so the gate marks each socket it admits
// (and each TLS socket over one) with a property naming the admitted socket, and each HTTP/2
// session with the mark of its socket.
import type { IncomingMessage } from 'node:http';
import type { ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { acceptedSocketOf, isHttp2Request } from '../http/index.js';

const ADMITTED = Symbol('gunicorn-ts.admitted-socket');

interface Marked { [ADMITTED]?: Socket }

/** Marks `socket` (accepted, or a TLS socket over an accepted one) as standing for `admitted`. */
export function markAdmitted(socket: object, admitted: Socket): void {
  (socket as Marked)[ADMITTED] = admitted;
}

/**
 * Marks an HTTP/2 `session` with the socket admitted for its connection, so that its streams'
 * requests find it on the session (a plain object): req.socket is a new Proxy per stream there,
 * and every read through it runs a trap. Read once, through the session's own socket proxy.
 */
export function markAdmittedSession(session: ServerHttp2Session): void {
  const admitted = (session.socket as Marked)[ADMITTED];
  if (admitted !== undefined) markAdmitted(session, admitted);
}

/** The socket the gate admitted for `req`'s connection (undefined if it was never marked). */
export function admittedSocketOf(req: IncomingMessage): Socket | undefined {
  // A stream that has closed has let go of its session: nothing to find.
  if (isHttp2Request(req)) return (req.stream.session as Marked | undefined)?.[ADMITTED];
  // A plain property read, not Reflect.get(): it runs on every request, and V8 inlines the
  // property access where Reflect.get() goes through its generic (slow) lookup.
  const marked = (req.socket as Socket & Marked)[ADMITTED];
  if (marked !== undefined) return marked;
  // HTTP/1.x under TLS or PROXY: the request's socket wraps the admitted one.
  return acceptedSocketOf(req.socket) as Socket;
}
