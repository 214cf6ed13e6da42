// The HTTP edge as one object the worker plugs into its server: server options (limits,
// timeouts, TLS), the PROXY protocol and clientError hooks on the server, and a guard in
// front of the app that applies trusted-proxy rules and the exact request limits.

import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import { isAllowed, parseAllowList } from './ip-allow-list.js';
import { installPriorKnowledge, resolveHttp2, type Http2Plan, type Http2Settings } from './http2.js';
import { installProxyProtocol } from './proxy-accept.js';
import { applyForwarded, clientAddress, compileForwarded, type ForwardedPolicy } from './forwarded.js';
import { checkRequestLimits, maxHeadersCountFor, resolveLimits, serverOptionsFor, type Limits, type LimitSettings } from './limits.js';
import { createClientErrorHandler, errorBody } from './client-error.js';
import { tlsServerOptions, type TlsSettings } from './tls.js';
import { silentLog, type EdgeLog } from './edge-log.js';

export interface EdgeSettings extends LimitSettings, TlsSettings, Http2Settings {
  readonly proxy_protocol: boolean;
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
  /** The same for HTTP/2 streams. */
  readonly http2ResponseClass?: typeof http2.Http2ServerResponse;
  /** Called for each request over a limit, as its 4xx is written (the app never sees it). */
  readonly rejected?: Listener;
}

/** Throws AllowListError, LimitSettingError or TlsSettingError (each names the setting). */
export function createHttpEdge(settings: EdgeSettings, log: EdgeLog = silentLog): HttpEdge {
  const limits = resolveLimits(settings);
  const forwarded = compileForwarded(parseAllowList(settings.forwarded_allow_ips, 'forwarded_allow_ips'), settings.secure_scheme_headers);
  const proxyAllow = settings.proxy_protocol ? parseAllowList(settings.proxy_allow_ips, 'proxy_allow_ips') : null;
  const tlsOptions = tlsServerOptions(settings);
  const h2 = resolveHttp2(settings, tlsOptions !== null);
  const serverOptions: https.ServerOptions = { ...serverOptionsFor(settings), ...(tlsOptions ?? {}) };
  const resetLevel = settings.suppress_ragged_eofs === false ? 'info' : 'debug';

  const edge: HttpEdge = {
    secure: tlsOptions !== null,
    http2: h2,
    serverOptions,
    guard: (listener, rejected) => guardListener(listener, forwarded, limits, log, rejected),
    install(server) {
      server.maxHeadersCount = maxHeadersCountFor(limits);
      server.on('clientError', createClientErrorHandler(log, { resetLevel }));
      if (tlsOptions !== null) {
        server.on('tlsClientError', (err: Error, socket: { remoteAddress?: string }) => {
          log(resetLevel, 'TLS handshake failed', { peer: socket.remoteAddress, error: err.message });
        });
      }
      if (proxyAllow !== null) installProxyProtocol(server, { allow: proxyAllow, log });
    },
    createServer(listener, { responseClass, http2ResponseClass, rejected } = {}) {
      const options = responseClass === undefined ? serverOptions : { ...serverOptions, ServerResponse: responseClass };
      const guarded = edge.guard(listener, rejected);
      if (h2 !== null && tlsOptions !== null) {
        // ALPN picks h2 or http/1.1; HTTP/1.1 connections go through http's own parser with
        // this server's keep-alive and header timeouts, and the worker's response class.
        const secure = http2.createSecureServer({
          ...serverOptions, allowHTTP1: h2.http1, ALPNProtocols: [...h2.alpn], settings: h2.settings,
          ...(responseClass === undefined ? {} : { Http1ServerResponse: responseClass }),
          ...(http2ResponseClass === undefined ? {} : { Http2ServerResponse: http2ResponseClass }),
        });
        const server: Http2EdgeServer = Object.assign(secure, { keepAliveTimeout: 5000, headersTimeout: 60_000, requestTimeout: 300_000, maxHeadersCount: null });
        server.on(REQUEST, guarded);
        edge.install(server);
        return server;
      }
      const server = tlsOptions !== null ? https.createServer(options, guarded) : http.createServer(options, guarded);
      edge.install(server);
      if (h2?.priorKnowledge === true) {
        const h2c = http2.createServer({ settings: h2.settings, ...(http2ResponseClass === undefined ? {} : { Http2ServerResponse: http2ResponseClass }) });
        h2c.on(REQUEST, guarded);
        // The worker sees one server: its HTTP/2 sessions are reported there (the drain's GOAWAY).
        h2c.on('session', (session: http2.ServerHttp2Session) => server.emit('session', session));
        installPriorKnowledge(server as http.Server, h2c, (address) => isAllowed(forwarded.allow, address), log);
      }
      return server;
    },
  };
  return Object.freeze(edge);
}

function guardListener(listener: Listener, forwarded: ForwardedPolicy, limits: Limits, log: EdgeLog, rejected?: Listener): Listener {
  return (req, res) => {
    applyForwarded(req, forwarded);
    const violation = checkRequestLimits(req, limits);
    if (violation === null) {
      listener(req, res);
      return;
    }
    rejected?.(req, res);
    log('debug', 'request over a limit rejected', { peer: clientAddress(req), status: violation.status, reason: violation.reason });
    // Connection: close makes Node close the socket after this response; the request
    // body, if any, is never read.
    const body = errorBody(violation.status, violation.reason);
    // HTTP/2 has no Connection header (the stream just ends); HTTP/1.x closes the connection.
    res.writeHead(violation.status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      ...(req.httpVersionMajor === 2 ? {} : { Connection: 'close' }),
    });
    res.end(body);
  };
}
