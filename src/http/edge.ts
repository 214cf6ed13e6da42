// The HTTP edge as one object the worker plugs into its server: server options (limits,
// timeouts, TLS), the PROXY protocol and clientError hooks on the server, and a guard in
// front of the app that applies trusted-proxy rules, the exact request limits, the checks
// on ambiguous heads and, for chunked requests, on trailers.

import type http from 'node:http';
import type https from 'node:https';
import type http2 from 'node:http2';
import { isAllowed, parseAllowList } from './ip-allow-list.js';
import { installPriorKnowledge, resolveHttp2, type Http2Plan, type Http2Settings } from './http2.js';
import { http2Bounding, type Http2Bounds } from './http2-bounds.js';
import { installProxyProtocol } from './proxy-accept.js';
import { applyForwarded, clientAddress, compileForwarded, isTrustedPeer, type ForwardedPolicy } from './forwarded.js';
import { maxHeadersCountFor, resolveLimits, serverOptionsFor, type LimitSettings } from './limits.js';
import { checkHead, forbiddenTrailer, FRAMED_BY_TRANSFER_ENCODING, type HeaderMapMode, type HeadPolicy, type HeadViolation } from './head-checks.js';
import type { ProxyMode } from './proxy-accept.js';
import { createClientErrorHandler, errorBody } from './client-error.js';
import { tlsServerOptions, type TlsSettings } from './tls.js';
import { applySslContextHook } from './ssl-context.js';
import type { SslContextHook } from '../config/hook-types.js';
import { silentLog, type EdgeLog } from './edge-log.js';
import { loadHttp, loadHttp2, loadHttps } from './lazy-builtins.js';

export interface EdgeSettings extends LimitSettings, TlsSettings, Http2Settings {
  /** off, v1, v2 or auto; the boolean of Gunicorn < 26 (true = auto) is still read. */
  readonly proxy_protocol: ProxyMode | 'off' | boolean;
  /** Underscore-named headers: drop (default), refuse or dangerous. */
  readonly header_map?: HeaderMapMode;
  /** Underscore headers a trusted peer may still send under drop (default SCRIPT_NAME,PATH_INFO). */
  readonly forwarder_headers?: string | readonly string[];
  readonly proxy_allow_ips: string | readonly string[];
  readonly forwarded_allow_ips: string | readonly string[];
  /** UPPER-CASE header name → exact value that means https (case-insensitive names, case-sensitive values). */
  readonly secure_scheme_headers: Readonly<Record<string, string>>;
}

export type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;
/** An HTTP/2 server over TLS serves HTTP/1.1 through the same http internals (allowHTTP1). */
export type EdgeServer = http.Server | https.Server | Http2EdgeServer;
/**
 * With allowHTTP1, Node serves HTTP/1.1 connections through http's own connection listener,
 * which reads these knobs from the server it runs for: the HTTP/2 server carries them too.
 */
export type Http2EdgeServer = http2.Http2SecureServer & Pick<http.Server, 'keepAliveTimeout' | 'headersTimeout' | 'requestTimeout' | 'maxHeadersCount'>;
/** 'request' through EventEmitter's untyped overload: the compatibility API hands the app
 * Http2ServerRequest/Response, which the app and the worker use as IncomingMessage/ServerResponse. */
const REQUEST: string = 'request';

export interface HttpEdge {
  /** TLS is on (certfile and keyfile set): create an https server. */
  readonly secure: boolean;
  /** HTTP/2 is served (http_protocols lists h2), and how; null for HTTP/1.x only. */
  readonly http2: Http2Plan | null;
  /** Options for http.createServer, or https.createServer (TLS options included) when secure. */
  readonly serverOptions: https.ServerOptions;
  /**
   * Wraps the app listener: trusted-proxy rules, then the exact limits (414/431), then
   * `listener`. A request over a limit is answered here and only `rejected` sees it.
   */
  guard(listener: Listener, rejected?: Listener): Listener;
  /** Hooks the edge into a server made with serverOptions: maxHeadersCount, clientError, PROXY protocol. */
  install(server: EdgeServer): void;
  /** All of the above: a ready server for `listener` (not listening yet). */
  createServer(listener: Listener, options?: EdgeServerOptions): EdgeServer;
}

export interface EdgeServerOptions {
  /** The ServerResponse subclass to create responses with. */
  readonly responseClass?: typeof http.ServerResponse;
  /**
   * Makes the same for HTTP/2 streams; called only when HTTP/2 is served, as a class that
   * extends Http2ServerResponse needs node:http2 loaded.
   */
  readonly http2ResponseClass?: () => typeof http2.Http2ServerResponse;
  /** Called for each request over a limit, as its 4xx is written (the app never sees it). */
  readonly rejected?: Listener;
}

/**
 * Throws AllowListError, LimitSettingError or TlsSettingError (each names the setting).
 * `sslContext`: the ssl_context hook, applied to the TLS options when TLS is on.
 */
export function createHttpEdge(settings: EdgeSettings, log: EdgeLog = silentLog, sslContext?: SslContextHook | null): HttpEdge {
  const limits = resolveLimits(settings);
  const forwarded = compileForwarded(parseAllowList(settings.forwarded_allow_ips, 'forwarded_allow_ips'), settings.secure_scheme_headers);
  const proxyMode = proxyModeOf(settings.proxy_protocol);
  const proxyAllow = proxyMode !== null ? parseAllowList(settings.proxy_allow_ips, 'proxy_allow_ips') : null;
  const fromSettings = tlsServerOptions(settings);
  const tlsOptions = fromSettings !== null && sslContext ? applySslContextHook(sslContext, settings, fromSettings) : fromSettings;
  const h2 = resolveHttp2(settings, tlsOptions !== null);
  const head: HeadPolicy = {
    limits,
    headerMap: settings.header_map ?? 'drop',
    forwarderHeaders: new Set(listOf(settings.forwarder_headers ?? 'SCRIPT_NAME,PATH_INFO').map((h) => h.toLowerCase())),
    http2HeaderList: h2?.settings.maxHeaderListSize ?? 0,
  };
  const serverOptions: https.ServerOptions = { ...serverOptionsFor(settings), ...(tlsOptions ?? {}) };
  const resetLevel = settings.suppress_ragged_eofs === false ? 'info' : 'debug';
  // The HTTP/1.x timeouts, per HTTP/2 session and stream: keepalive for an idle session, the
  // request timeout for a request still arriving, timeout for a response the client never reads.
  const h2Bounds: Http2Bounds = {
    idleMs: Math.max(1, settings.keepalive ?? 2) * 1000,
    requestMs: serverOptions.requestTimeout ?? 300_000,
    stalledMs: serverOptions.headersTimeout ?? 60_000,
  };

  const edge: HttpEdge = {
    secure: tlsOptions !== null,
    http2: h2,
    serverOptions,
    guard: (listener, rejected) => guardListener(listener, forwarded, head, log, rejected),
    install(server) {
      server.maxHeadersCount = maxHeadersCountFor(limits);
      server.on('clientError', createClientErrorHandler(log, { resetLevel }));
      if (tlsOptions !== null) {
        server.on('tlsClientError', (err: Error, socket: { remoteAddress?: string }) => {
          log(resetLevel, 'TLS handshake failed', { peer: socket.remoteAddress, error: err.message });
        });
      }
      if (proxyAllow !== null && proxyMode !== null) installProxyProtocol(server, { allow: proxyAllow, mode: proxyMode, log });
    },
    createServer(listener, { responseClass, http2ResponseClass, rejected } = {}) {
      const options = responseClass === undefined ? serverOptions : { ...serverOptions, ServerResponse: responseClass };
      const guarded = edge.guard(listener, rejected);
      if (h2 !== null && tlsOptions !== null) {
        // ALPN picks h2 or http/1.1; HTTP/1.1 connections go through http's own parser with
        // this server's keep-alive and header timeouts, and the worker's response class.
        const bounding = http2Bounding(h2Bounds, loadHttp2().Http2ServerRequest);
        const secure = loadHttp2().createSecureServer({
          ...serverOptions, allowHTTP1: h2.http1, ALPNProtocols: [...h2.alpn], settings: h2.settings, Http2ServerRequest: bounding.Request,
          ...(responseClass === undefined ? {} : { Http1ServerResponse: responseClass }),
          ...(http2ResponseClass === undefined ? {} : { Http2ServerResponse: http2ResponseClass() }),
        });
        const server: Http2EdgeServer = Object.assign(secure, { keepAliveTimeout: 5000, headersTimeout: 60_000, requestTimeout: 300_000, maxHeadersCount: null });
        server.on(REQUEST, guarded);
        bounding.attach(secure);
        edge.install(server);
        return server;
      }
      const server = tlsOptions !== null ? loadHttps().createServer(options, guarded) : loadHttp().createServer(options, guarded);
      if (h2?.priorKnowledge === true) {
        const bounding = http2Bounding(h2Bounds, loadHttp2().Http2ServerRequest);
        const h2c = loadHttp2().createServer({
          settings: h2.settings, Http2ServerRequest: bounding.Request,
          ...(http2ResponseClass === undefined ? {} : { Http2ServerResponse: http2ResponseClass() }),
        });
        h2c.on(REQUEST, guarded);
        bounding.attach(h2c);
        // The worker sees one server: its HTTP/2 sessions are reported there (the drain's GOAWAY).
        h2c.on('session', (session: http2.ServerHttp2Session) => server.emit('session', session));
        installPriorKnowledge(server as http.Server, h2c, (address) => isAllowed(forwarded.allow, address), log);
      }
      // After the preface sniffer: a PROXY header comes first on the wire, so it is read first.
      edge.install(server);
      return server;
    },
  };
  return Object.freeze(edge);
}

function proxyModeOf(setting: EdgeSettings['proxy_protocol']): ProxyMode | null {
  if (setting === true) return 'auto';
  return setting === false || setting === 'off' ? null : setting;
}

function listOf(value: string | readonly string[]): string[] {
  return (typeof value === 'string' ? value.split(',') : [...value]).map((v) => v.trim()).filter((v) => v !== '');
}

const SCHEME_CONFLICT: HeadViolation = { status: 400, reason: 'contradictory secure_scheme_headers from a trusted proxy' };

function guardListener(listener: Listener, forwarded: ForwardedPolicy, head: HeadPolicy, log: EdgeLog, rejected?: Listener): Listener {
  const trusted = (req: http.IncomingMessage): boolean => isTrustedPeer(req, forwarded);
  return (req, res) => {
    const violation = applyForwarded(req, forwarded) ? checkHead(req, head, trusted) : SCHEME_CONFLICT;
    if (violation === null || violation === FRAMED_BY_TRANSFER_ENCODING) {
      if (violation !== null) checkTrailers(req, res, log);
      listener(req, res);
      return;
    }
    rejected?.(req, res);
    log('debug', 'request refused before the app', { peer: clientAddress(req), status: violation.status, reason: violation.reason });
    refuse(res, violation);
  };
}

/** Answers `res` with the violation's status and closes the connection; the request body, if any, is never read. */
function refuse(res: http.ServerResponse, violation: HeadViolation): void {
  const body = errorBody(violation.status, violation.reason);
  // HTTP/2 has no Connection header (the stream just ends); HTTP/1.x closes the connection.
  res.writeHead(violation.status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...('stream' in res ? {} : { Connection: 'close' }),
  });
  res.end(body);
}

/**
 * Trailers arrive with the end of a chunked body, after the app started. Node adds them to
 * req.rawTrailers just before it pushes the end of the stream, so the end is held back
 * when one is forbidden: the app never sees the request complete, and the client gets a 400
 * (or, once the app has started its response, a closed connection).
 */
function checkTrailers(req: http.IncomingMessage, res: http.ServerResponse, log: EdgeLog): void {
  const push = req.push;
  req.push = function (chunk: unknown, encoding?: BufferEncoding): boolean {
    const bad = chunk === null ? forbiddenTrailer(req.rawTrailers) : undefined;
    if (bad === undefined) return push.call(this, chunk, encoding);
    log('debug', 'request refused: forbidden trailer field', { peer: clientAddress(req), field: bad });
    if (res.headersSent) req.socket.destroy();
    else refuse(res, { status: 400, reason: `${bad} is not allowed in trailers` });
    return false;
  };
}
