// Answers requests Node's parser rejects (the http server's 'clientError' event): a short
// 4xx with Connection: close, then the socket closes. Logged at debug: hostile and broken
// clients are routine and must never crash or flood a worker.

import type { Duplex } from 'node:stream';
import type { EdgeLog, EdgeLogLevel } from './edge-log.js';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
};

/** The status for a parser or timeout error code; everything unknown is a plain 400. */
export function statusForClientError(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADER_TIMEOUT':
      return 408;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    default:
      return 400;
  }
}

/** The plain-text body of an edge error response: the reason phrase and the cause. */
export function errorBody(status: number, detail?: string): string {
  return `${REASONS[status] ?? 'Error'}${detail ? `: ${detail}` : ''}\n`;
}

/** A complete HTTP/1.1 response that closes the connection; the body names the cause. */
export function closingResponse(status: number, detail?: string): string {
  const reason = REASONS[status] ?? 'Error';
  const body = errorBody(status, detail);
  return `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

interface PendingResponse {
  readonly headersSent?: boolean;
  readonly writableEnded?: boolean;
  shouldKeepAlive?: boolean;
  readonly req?: { readonly complete?: boolean };
  once?(event: 'finish', listener: () => void): unknown;
}

export interface ClientErrorOptions {
  /** Level for a client that vanished mid-request (reset, TLS close without close_notify). */
  readonly resetLevel?: EdgeLogLevel;
}

export function createClientErrorHandler(log: EdgeLog, opts: ClientErrorOptions = {}): (err: Error & { code?: string }, socket: Duplex) => void {
  return (err, socket) => {
    const code = err.code;
    const peer = (socket as { remoteAddress?: string }).remoteAddress;
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING') {
      log(opts.resetLevel ?? 'debug', 'client connection reset', { peer, code });
      socket.destroy();
      return;
    }
    const inFlight = (socket as { _httpMessage?: PendingResponse | null })._httpMessage;
    if (code === 'HPE_CLOSED_CONNECTION' || (inFlight?.req?.complete === true && inFlight.writableEnded !== true)) {
      // Bytes after a request that closes the connection (HTTP/1.0, Connection: close), or
      // garbage after a complete request: that request's response is still owed and is
      // delivered, then the connection closes (RFC 9112 §9.6). The extra bytes are ignored.
      log('debug', 'bytes after the last request ignored', { peer, code });
      socket.pause();
      if (inFlight && inFlight.writableEnded !== true) {
        // Node closes the connection after a response that does not keep it alive; one whose
        // headers already promised keep-alive is followed by an explicit close.
        if (inFlight.headersSent !== true) inFlight.shouldKeepAlive = false;
        else inFlight.once?.('finish', () => socket.end());
      } else if (socket.writable) {
        socket.end();
      }
      return;
    }
    const status = statusForClientError(code);
    log('debug', 'malformed request rejected', { peer, code, status, error: err.message });
    // A response already under way on this connection cannot be interrupted by another one.
    if (!socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    socket.end(closingResponse(status, code));
    // end() half-closes; a client that never reads must still not hold the socket.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
