// Trusted-proxy handling: from a peer in forwarded_allow_ips, secure_scheme_headers decide
// the request's scheme and X-Forwarded-For the client address; from any other peer those
// headers are deleted before the app runs, so a client cannot forge them.

import type { IncomingMessage } from 'node:http';
import { isAllowed, type AllowList } from './ip-allow-list.js';
import { type Http2Request, isHttp2Request } from './head-checks.js';
import { joinedRawHeader } from './raw-headers.js';

export interface ForwardedPolicy {
  readonly allow: AllowList;
  /** Lower-cased header name → exact (case-sensitive) value meaning "the client used https". */
  readonly secureHeaders: ReadonlyMap<string, string>;
  /** Every header deleted from an untrusted peer's request (lower case). */
  readonly stripped: ReadonlySet<string>;
  /** `strippedLengths[n]`: some stripped name is n characters long. */
  readonly strippedLengths: readonly boolean[];
}

export interface RequestEdgeInfo {
  readonly scheme: 'http' | 'https';
  /** The client as the app should see it: X-Forwarded-For hop from a trusted peer, else the peer. */
  readonly clientAddress: string | undefined;
  /** The connection's peer: the TCP peer, or the PROXY protocol source when that is on. */
  readonly peerAddress: string | undefined;
  /** The peer is in forwarded_allow_ips. */
  readonly trusted: boolean;
}

/** Proxy headers that describe the client; only a trusted proxy may set them. */
const ALWAYS_STRIPPED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-real-ip', 'forwarded'];

export function compileForwarded(allow: AllowList, secureSchemeHeaders: Readonly<Record<string, string>>): ForwardedPolicy {
  const secureHeaders = new Map(Object.entries(secureSchemeHeaders).map(([k, v]) => [k.toLowerCase(), v] as const));
  const stripped = new Set([...ALWAYS_STRIPPED, ...secureHeaders.keys()]);
  const strippedLengths: boolean[] = [];
  for (const name of stripped) strippedLengths[name.length] = true;
  return Object.freeze({ allow, secureHeaders, stripped, strippedLengths });
}

// The trust decision needs the peer address (a getpeername() system call), so it is made
// only when a request carries a header it governs, at most once per connection, and kept on
// the connection (connectionOf()) under a registered symbol, so a second copy of this module
// (an app loaded through jiti, see shared-state.ts) reads the same record. Scheme and client
// are derived only when asked (access log, app).
const TRUST = Symbol.for('gunicorn-ts.http.connection-trust');
const POLICY = Symbol.for('gunicorn-ts.http.forwarded-policy');

interface ConnectionTrust {
  readonly policy: ForwardedPolicy;
  readonly peerAddress: string | undefined;
  readonly trusted: boolean;
}

interface Connection { [TRUST]?: ConnectionTrust; [POLICY]?: ForwardedPolicy }

// An HTTP/2 request's session, kept by the request itself (keepSession()): node:http2 lets go
// of a stream's session when the stream closes, and the access log asks for the client then.
const SESSION = Symbol.for('gunicorn-ts.http.request-session');
interface SessionKeeping { [SESSION]?: object | undefined }

/** Called as each HTTP/2 request is created (http2-bounds.ts), with its stream's session. */
export function keepSession(req: object, session: object | undefined): void {
  (req as SessionKeeping)[SESSION] = session;
}

/**
 * What the records of `req`'s connection are kept on: its socket, or over HTTP/2 its session.
 * An HTTP/2 request's socket is a Proxy (node:http2's compatibility API), a new one per
 * stream, and every read or write through it runs a trap; the session is a plain object.
 * Undefined for an HTTP/1.x request whose socket has gone.
 */
function connectionOf(req: IncomingMessage): Connection | undefined {
  // The kept session is a plain property; the stream's is a getter, and gone once it closed.
  if (isHttp2Request(req)) return ((req as Http2Request & SessionKeeping)[SESSION] ?? req.stream.session) as Connection | undefined;
  // req.socket is null on an HTTP/1.x request once its connection has gone.
  const socket: object | null = req.socket;
  return (socket ?? undefined) as Connection | undefined;
}

function trustOf(req: IncomingMessage, connection: Connection | undefined, policy: ForwardedPolicy): ConnectionTrust {
  let trust = connection?.[TRUST];
  if (trust === undefined || trust.policy !== policy) {
    // The PROXY protocol, when on, has set remoteAddress to the header's source by now.
    const peerAddress = req.socket.remoteAddress;
    trust = { policy, peerAddress, trusted: isAllowed(policy.allow, peerAddress) };
    if (connection !== undefined) connection[TRUST] = trust;
  }
  return trust;
}

/**
 * Whether any raw header name is a stripped one. Runs on every request: only names of a
 * stripped name's length are lower-cased and looked up (a new string per name otherwise).
 */
function hasStripped(raw: readonly string[], policy: ForwardedPolicy): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (policy.strippedLengths[name.length] === true && policy.stripped.has(name.toLowerCase())) return true;
  }
  return false;
}

/** Removes `names` from both req.rawHeaders and req.headers (the latter may already be built). */
export function removeHeaders(req: IncomingMessage, names: ReadonlySet<string>): void {
  const raw = req.rawHeaders;
  let kept = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (names.has(raw[i]!.toLowerCase())) continue;
    raw[kept++] = raw[i]!;
    raw[kept++] = raw[i + 1]!;
  }
  raw.length = kept;
  for (const name of names) delete req.headers[name];
}

/**
 * X-Forwarded-For lists hops left to right, each proxy appending its peer. Walking from
 * the right past our own trusted proxies, the first address not in forwarded_allow_ips is
 * the client: entries further left were written by that untrusted client and may be forged.
 */
export function clientFromForwardedFor(value: string, allow: AllowList): string | undefined {
  const hops = value.split(',').map((h) => h.trim()).filter((h) => h !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isAllowed(allow, hops[i])) return hops[i];
  }
  return hops[0];
}

/**
 * Strips the headers a client could forge unless the connection is a trusted proxy. Returns
 * false when a trusted proxy's secure_scheme_headers contradict each other (one says https,
 * another not), which Gunicorn answers with 400: the app must not guess the scheme.
 */
export function applyForwarded(req: IncomingMessage, policy: ForwardedPolicy): boolean {
  const connection = connectionOf(req);
  if (connection !== undefined) connection[POLICY] = policy;
  if (!hasStripped(req.rawHeaders, policy)) return true;
  if (!trustOf(req, connection, policy).trusted) {
    removeHeaders(req, policy.stripped);
    return true;
  }
  let secure: boolean | undefined;
  for (const [name, expected] of policy.secureHeaders) {
    const value = joinedRawHeader(req.rawHeaders, name);
    if (value === undefined) continue;
    if (secure !== undefined && secure !== (value === expected)) return false;
    secure = value === expected;
  }
  return true;
}

/** Whether `req`'s peer is in forwarded_allow_ips (the decision is kept per connection). */
export function isTrustedPeer(req: IncomingMessage, policy: ForwardedPolicy): boolean {
  return trustOf(req, connectionOf(req), policy).trusted;
}

/** The trust record of `req`'s connection: undefined when it did not go through applyForwarded. */
function requestTrust(req: IncomingMessage): ConnectionTrust | undefined {
  const connection = connectionOf(req);
  const policy = connection?.[POLICY];
  return policy !== undefined ? trustOf(req, connection, policy) : undefined;
}

/** The client: X-Forwarded-For's first untrusted hop from a trusted proxy, else the peer. */
function clientOf(req: IncomingMessage, trust: ConnectionTrust): string | undefined {
  if (!trust.trusted) return trust.peerAddress;
  const xff = joinedRawHeader(req.rawHeaders, 'x-forwarded-for');
  return xff === undefined ? trust.peerAddress : clientFromForwardedFor(xff, trust.policy.allow) ?? trust.peerAddress;
}

/** 'https' on a TLS connection, or when a trusted proxy's secure_scheme_headers say so. */
function schemeOf(req: IncomingMessage, trust: ConnectionTrust | undefined): 'http' | 'https' {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return 'https';
  if (trust?.trusted === true) {
    for (const [name, expected] of trust.policy.secureHeaders) {
      if (joinedRawHeader(req.rawHeaders, name) === expected) return 'https';
    }
  }
  return 'http';
}

/** What the edge decided for `req`: undefined when its connection did not go through applyForwarded. */
export function edgeInfo(req: IncomingMessage): RequestEdgeInfo | undefined {
  const trust = requestTrust(req);
  if (trust === undefined) return undefined;
  return { scheme: schemeOf(req, trust), clientAddress: clientOf(req, trust), peerAddress: trust.peerAddress, trusted: trust.trusted };
}

/**
 * Only the client address of edgeInfo(), without deciding the scheme or building a record:
 * the access log's %(h)s asks for it on every request. Undefined when the connection did
 * not go through applyForwarded.
 */
export function edgeClientAddress(req: IncomingMessage): string | undefined {
  const trust = requestTrust(req);
  return trust === undefined ? undefined : clientOf(req, trust);
}

/** 'https' on a TLS connection or when a trusted proxy's secure_scheme_headers say so. */
export function requestScheme(req: IncomingMessage): 'http' | 'https' {
  return schemeOf(req, requestTrust(req));
}

/** The client address for the app and the access log's %(h)s. */
export function clientAddress(req: IncomingMessage): string | undefined {
  return edgeClientAddress(req) ?? req.socket.remoteAddress;
}
