// HTTP/2 on the edge: resolves the HTTP/2 settings into node:http2 options (checked at
// preflight like every edge setting) and, for cleartext prior knowledge, the sniffer that
// hands a trusted peer's connection to the HTTP/2 server once its preface is seen.
import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { errorBody } from './client-error.js';
import type { EdgeLog } from './edge-log.js';
import { tcpPeerOf } from './proxy-accept.js';
import { sharedWeakMap } from './shared-state.js';

export interface Http2Settings {
  readonly http_protocols?: string;
  readonly http2_cleartext?: string;
  readonly http2_max_concurrent_streams?: number;
  readonly http2_initial_window_size?: number;
  readonly http2_max_frame_size?: number;
  readonly http2_max_header_list_size?: number;
}

export class Http2SettingError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'Http2SettingError';
  }
}

/** What the edge serves. `null` http2: HTTP/1.x only (Gunicorn's default `h1`). */
export interface Http2Plan {
  /** ALPN names in preference order, for the TLS server. */
  readonly alpn: readonly string[];
  /** HTTP/1.1 is offered too (`h1` listed). */
  readonly http1: boolean;
  /** Cleartext prior knowledge for trusted peers (only without TLS). */
  readonly priorKnowledge: boolean;
  readonly settings: http2.Settings;
}

const KNOWN = new Map([['h1', 'http/1.1'], ['h2', 'h2']]);

/** Throws Http2SettingError naming the setting. Absent settings take Gunicorn's defaults. */
export function resolveHttp2(s: Http2Settings, secure: boolean): Http2Plan | null {
  const protocols = (s.http_protocols ?? 'h1').split(',').map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  if (protocols.length === 0) protocols.push('h1');
  for (const p of protocols) {
    if (p === 'h3') throw new Http2SettingError('http_protocols', 'h3 (HTTP/3) is not supported; expected h1, h2 or both (e.g. h2,h1)');
    if (!KNOWN.has(p)) throw new Http2SettingError('http_protocols', `unknown protocol ${JSON.stringify(p)}; expected h1, h2 or both (e.g. h2,h1)`);
  }
  if (new Set(protocols).size !== protocols.length) throw new Http2SettingError('http_protocols', `${JSON.stringify(s.http_protocols ?? '')} lists a protocol twice`);
  const cleartext = s.http2_cleartext ?? 'off';
  if (cleartext === 'upgrade' || cleartext === 'both') {
    throw new Http2SettingError('http2_cleartext', `${cleartext} (the HTTP/1.1 Upgrade: h2c handshake) is not supported; expected off or prior-knowledge`);
  }
  const h2 = protocols.includes('h2');
  const http1 = protocols.includes('h1');
  if (!h2) {
    if (cleartext !== 'off' && !secure) throw new Http2SettingError('http2_cleartext', `${cleartext} needs h2 in http_protocols (e.g. --http-protocols h2,h1)`);
    return null;
  }
  const priorKnowledge = !secure && cleartext === 'prior-knowledge';
  if (!secure && !priorKnowledge) {
    throw new Http2SettingError('http_protocols', 'h2 needs TLS (certfile and keyfile, negotiated by ALPN) or http2_cleartext prior-knowledge behind a trusted proxy');
  }
  if (!secure && !http1) {
    throw new Http2SettingError('http_protocols', 'h2 alone without TLS would leave untrusted peers no protocol; use h2,h1 with http2_cleartext');
  }
  const settings: http2.Settings = {
    maxConcurrentStreams: s.http2_max_concurrent_streams ?? 100,
    initialWindowSize: s.http2_initial_window_size ?? 65535,
    maxFrameSize: s.http2_max_frame_size ?? 16384,
  };
  const headerList = s.http2_max_header_list_size ?? 65536;
  if (headerList > 0) settings.maxHeaderListSize = headerList;
  return { alpn: protocols.map((p) => KNOWN.get(p)!), http1, priorKnowledge, settings };
}

const cleartextHttp2 = sharedWeakMap<object, true>('cleartext-http2');

/** Whether `socket` was handed to the cleartext HTTP/2 server (it must never get HTTP/1.x bytes). */
export function isCleartextHttp2(socket: object): boolean {
  return cleartextHttp2.has(socket);
}

/** The client connection preface (RFC 9113 §3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Cleartext prior knowledge: connections handed to `server` ('connection') from a trusted
 * peer go to `h2c` once their first bytes are the HTTP/2 preface; anything else from a
 * trusted peer gets a 400. Other peers reach the HTTP/1.x server untouched.
 */
export function installPriorKnowledge(server: HttpServer, h2c: http2.Http2Server, trusted: (address: string | undefined) => boolean, log: EdgeLog): void {
  const http1 = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    // The TCP peer decides (the proxy, behind a PROXY header), as it is what speaks HTTP/2 here.
    if (!trusted(tcpPeerOf(socket))) {
      for (const listener of http1) listener.call(server, socket);
      return;
    }
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      if (!seen.subarray(0, n).equals(PREFACE.subarray(0, n))) {
        socket.off('data', onData);
        log('debug', 'trusted peer on a prior-knowledge port did not speak HTTP/2', { peer: tcpPeerOf(socket) });
        const body = errorBody(400, 'expected the HTTP/2 connection preface');
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      if (seen.length < PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      // The bytes read go back into the socket's buffer: a new HTTP/2 session consumes
      // whatever is buffered there before it reads from the handle itself.
      socket.unshift(seen);
      cleartextHttp2.set(socket, true);
      h2c.emit('connection', socket);
    };
    socket.on('data', onData);
  });
}
