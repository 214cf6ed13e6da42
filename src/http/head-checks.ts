// Checks on a parsed request head that Node's parser leaves to the server, made in one pass
// over req.rawHeaders before the app runs: the exact Gunicorn limits (414/431), fields that
// make routing or framing ambiguous (a second Host or Content-Type, an invalid Host, an
// asterisk-form target other than OPTIONS), underscore-named headers (header_map), and an
// absolute-form target, whose authority wins over Host (RFC 9112 §3.2.2).

import type { IncomingMessage } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import { requestLineLength, type Limits } from './limits.js';

export type HeaderMapMode = 'drop' | 'refuse' | 'dangerous';

export interface HeadPolicy {
  readonly limits: Limits;
  readonly headerMap: HeaderMapMode;
  /** Lower-case underscore header names a trusted peer may send under `drop`. */
  readonly forwarderHeaders: ReadonlySet<string>;
  /**
   * http2_max_header_list_size (0: none). nghttp2 enforces it only once the client has
   * acknowledged the server's SETTINGS; a stream opened before that is checked here.
   */
  readonly http2HeaderList?: number;
}

export interface HeadViolation {
  readonly status: 400 | 414 | 431;
  readonly reason: string;
}

/** uri-host [ ":" port ] (RFC 3986): IP-literal, or reg-name / IPv4 (unreserved, sub-delims, pct-encoded). */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?$/;
/** scheme "://" authority: what an absolute-form target starts with. */
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/;

// A client sends the same Host on every request of a connection, and mostly on every
// connection: the last value that passed is remembered, so a keep-alive request costs a string
// compare instead of a run of the expression (a sixth of what this module adds per request,
// counted with bench/instructions).
let lastValidHost = '';

export function isValidHost(value: string): boolean {
  if (value === lastValidHost) return true;
  if (!HOST.test(value)) return false;
  lastValidHost = value;
  return true;
}

/**
 * Whether header `name`, of `lower`'s length, is `lower` in any case. The spellings clients
 * send (all lower case, or as `title`) are compared first: lower-casing allocates a string.
 */
function isField(name: string, lower: string, title: string): boolean {
  return name === lower || name === title || name.toLowerCase() === lower;
}

const violation = (status: 400 | 414 | 431, reason: string): HeadViolation => ({ status, reason });

/** An HTTP/2 request (node:http2's compatibility request) seen as an IncomingMessage. */
export type Http2Request = IncomingMessage & { readonly stream: ServerHttp2Stream };

/** Whether `req` came over HTTP/2 (node:http2's compatibility request carries its stream). */
export function isHttp2Request(req: IncomingMessage): req is Http2Request {
  return 'stream' in req;
}

/** checkHead's answer for an acceptable request with a Transfer-Encoding (its trailers need checking). */
export const FRAMED_BY_TRANSFER_ENCODING = 'transfer-encoding';

/**
 * The first problem with `req`'s head, FRAMED_BY_TRANSFER_ENCODING, or null. May change the
 * head the app sees: drops underscore headers (header_map drop) and sets Host from an
 * absolute-form target. `trusted(req)` says whether the peer is in forwarded_allow_ips;
 * asked only when needed. Reads req.rawHeaders only: Node builds req.headers lazily, and
 * an app that never reads it should not pay for it.
 */
export function checkHead(
  req: IncomingMessage, policy: HeadPolicy, trusted: (req: IncomingMessage) => boolean,
): HeadViolation | typeof FRAMED_BY_TRANSFER_ENCODING | null {
  // llhttp accepts an HTTP/0.9 line ("GET /" with no version); Gunicorn, and we, do not.
  // HTTP/2 arrives through node:http2's compatibility API, never from llhttp.
  const http2 = isHttp2Request(req);
  if (req.httpVersionMajor !== 1 && !http2) return violation(400, `unsupported HTTP version ${req.httpVersion}`);
  const { limits } = policy;
  if (limits.requestLine > 0 && requestLineLength(req) > limits.requestLine) {
    return violation(414, `request line longer than limit_request_line (${limits.requestLine})`);
  }
  const raw = req.rawHeaders;
  if (raw.length / 2 > limits.fields) return violation(431, `more than limit_request_fields (${limits.fields}) header fields`);
  let hosts = 0;
  let host: string | undefined;
  let authority: string | undefined;
  let contentTypes = 0;
  let chunked = false;
  let underscores = false;
  // RFC 9113 §6.5.2: each field counts its name, its value and 32 octets.
  let listSize = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (http2) listSize += name.length + raw[i + 1]!.length + 32;
    // Gunicorn counts the field line as sent: "Name: value" and its CRLF.
    if (limits.fieldSize > 0 && name.length + 4 + raw[i + 1]!.length > limits.fieldSize) {
      return violation(431, `header field longer than limit_request_field_size (${limits.fieldSize})`);
    }
    // Dispatched on the length, so most names cost no string compare at all.
    switch (name.length) {
      case 4: if (isField(name, 'host', 'Host')) { hosts++; host = raw[i + 1]; continue; } break;
      case 10: if (http2 && name === ':authority') { authority = raw[i + 1]; continue; } break;
      case 12: if (isField(name, 'content-type', 'Content-Type')) { contentTypes++; continue; } break;
      case 17: if (isField(name, 'transfer-encoding', 'Transfer-Encoding')) { chunked = true; continue; } break;
    }
    // An HTTP/2 pseudo-header (":path") never has one: nghttp2 refuses any it does not know.
    if (name.charCodeAt(0) !== 0x3a /* : */ && name.includes('_')) underscores = true;
  }
  if (http2 && policy.http2HeaderList !== undefined && policy.http2HeaderList > 0 && listSize > policy.http2HeaderList) {
    return violation(431, `header list larger than http2_max_header_list_size (${policy.http2HeaderList})`);
  }
  if (hosts > 1) return violation(400, 'more than one Host header');
  if (host !== undefined && !isValidHost(host)) return violation(400, 'invalid Host header');
  if (contentTypes > 1) return violation(400, 'more than one Content-Type header');
  if (http2 && hosts === 0 && authority !== undefined) {
    const refused = hostFromAuthority(req, authority);
    if (refused !== null) return refused;
  }
  // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
  if (chunked && req.httpVersionMinor === 0) return violation(400, 'Transfer-Encoding in an HTTP/1.0 request');
  const url = req.url ?? '';
  if (url === '*' && req.method !== 'OPTIONS') return violation(400, 'asterisk-form target is only for OPTIONS');
  if (underscores && policy.headerMap !== 'dangerous') {
    if (policy.headerMap === 'refuse') return violation(400, 'header name with an underscore (header_map is refuse)');
    dropUnderscoreHeaders(req, policy.forwarderHeaders, trusted);
  }
  if (url.charCodeAt(0) !== 0x2f /* / */ && url !== '*') {
    const authority = ABSOLUTE.exec(url)?.[1];
    if (authority !== undefined) {
      const refused = authorityWins(req, authority);
      if (refused !== null) return refused;
    }
  }
  return chunked ? FRAMED_BY_TRANSFER_ENCODING : null;
}

/**
 * HTTP/2 clients send `:authority` instead of Host. The app gets HTTP/1's request API, and
 * frameworks read Host (Express's req.hostname): as an HTTP/2-to-HTTP/1.1 intermediary must
 * (RFC 9113 §8.3.1), Host is set from `:authority`.
 */
function hostFromAuthority(req: IncomingMessage, authority: string): HeadViolation | null {
  if (!isValidHost(authority)) return violation(400, 'invalid :authority');
  req.rawHeaders.push('host', authority);
  req.headers.host = authority;
  return null;
}

/** Sets Host to the absolute-form target's authority (userinfo removed), or refuses an invalid one. */
function authorityWins(req: IncomingMessage, authority: string): HeadViolation | null {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort === '' || !HOST.test(hostPort)) return violation(400, 'invalid authority in the request target');
  const raw = req.rawHeaders;
  let found = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') { raw[i + 1] = hostPort; found = true; }
  }
  if (!found) raw.push('Host', hostPort);
  req.headers.host = hostPort;
  return null;
}

function dropUnderscoreHeaders(req: IncomingMessage, keep: ReadonlySet<string>, trusted: (req: IncomingMessage) => boolean): void {
  const raw = req.rawHeaders;
  const keepAllowed = keep.size > 0 && trusted(req);
  let kept = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.includes('_') && !(keepAllowed && keep.has(name.toLowerCase()))) {
      delete req.headers[name.toLowerCase()];
      continue;
    }
    raw[kept++] = name;
    raw[kept++] = raw[i + 1]!;
  }
  raw.length = kept;
}

/** Fields a sender must not put in trailers (RFC 9110 §6.5.1): framing, routing, request modifiers, authentication, controls. */
const FORBIDDEN_TRAILERS = new Set([
  'transfer-encoding', 'content-length', 'host', 'trailer', 'te', 'connection', 'keep-alive', 'upgrade', 'proxy-connection',
  'expect', 'max-forwards', 'cache-control', 'pragma', 'range', 'if-match', 'if-none-match', 'if-modified-since',
  'if-unmodified-since', 'if-range', 'authorization', 'proxy-authorization', 'cookie', 'content-encoding', 'content-range',
]);

/** The first forbidden field name in raw trailers, or undefined. */
export function forbiddenTrailer(rawTrailers: readonly string[]): string | undefined {
  for (let i = 0; i < rawTrailers.length; i += 2) {
    if (FORBIDDEN_TRAILERS.has(rawTrailers[i]!.toLowerCase())) return rawTrailers[i];
  }
  return undefined;
}
