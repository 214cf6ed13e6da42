// The HTTP edge as one object the worker plugs into its server: server options (limits,
// timeouts, TLS), the PROXY protocol and clientError hooks on the server, and a guard in
// front of the app that applies trusted-proxy rules and the exact request limits.

import http from 'node:http';
import https from 'node:https';
import { parseAllowList } from './ip-allow-list.js';
import { installProxyProtocol } from './proxy-accept.js';
import { applyForwarded, clientAddress, compileForwarded, type ForwardedPolicy } from './forwarded.js';
import { checkRequestLimits, maxHeadersCountFor, resolveLimits, serverOptionsFor, type Limits, type LimitSettings } from './limits.js';
import { createClientErrorHandler, errorBody } from './client-error.js';
import { tlsServerOptions, type TlsSettings } from './tls.js';
import { applySslContextHook } from './ssl-context.js';
import type { SslContextHook } from '../config/hook-types.js';
import { silentLog, type EdgeLog } from './edge-log.js';

export interface EdgeSettings extends LimitSettings, TlsSettings {
  readonly proxy_protocol: boolean;
  readonly proxy_allow_ips: string | readonly string[];
  readonly forwarded_allow_ips: string | readonly string[];
  /** UPPER-CASE header name → exact value that means https (case-insensitive names, case-sensitive values). */
  readonly secure_scheme_headers: Readonly<Record<string, string>>;
}

export type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;
export type EdgeServer = http.Server | https.Server;

export interface HttpEdge {
  /** TLS is on (certfile and keyfile set): create an https server. */
  readonly secure: boolean;
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
  const proxyAllow = settings.proxy_protocol ? parseAllowList(settings.proxy_allow_ips, 'proxy_allow_ips') : null;
  const fromSettings = tlsServerOptions(settings);
  const tlsOptions = fromSettings !== null && sslContext ? applySslContextHook(sslContext, settings as unknown as Record<string, unknown>, fromSettings) : fromSettings;
  const serverOptions: https.ServerOptions = { ...serverOptionsFor(settings), ...(tlsOptions ?? {}) };
  const resetLevel = settings.suppress_ragged_eofs === false ? 'info' : 'debug';

  const edge: HttpEdge = {
    secure: tlsOptions !== null,
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
    createServer(listener, { responseClass, rejected } = {}) {
      const options = responseClass === undefined ? serverOptions : { ...serverOptions, ServerResponse: responseClass };
      const guarded = edge.guard(listener, rejected);
      const server = tlsOptions !== null ? https.createServer(options, guarded) : http.createServer(options, guarded);
      edge.install(server);
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
    res.writeHead(violation.status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    });
    res.end(body);
  };
}
