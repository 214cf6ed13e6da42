// Node's TLS, HTTPS and HTTP/2 modules, evaluated the first time the settings need them
// (certfile/keyfile or ssl_context, h2 in http_protocols): as imports they were evaluated in
// every process, plain HTTP/1.x included (~50 internal modules, 3.5-12 ms of CPU, 1-3.6 MB of
// a worker's RSS; docs/architecture.md). Every server the edge makes is created through these
// loaders, so a TLS socket or HTTP/2 request of ours means they ran: the checks load nothing.
// node:http too is evaluated by the first server, not by the edge's module: the arbiter and
// --check-config build the edge only to validate its settings and never serve (as an import
// it cost every master ~2.8 MB of RSS, on Node 20 and 24 alike; bench/README.md, "startup").
import { createRequire } from 'node:module';
import type * as HttpModule from 'node:http';
import type * as TlsModule from 'node:tls';
import type * as HttpsModule from 'node:https';
import type * as Http2Module from 'node:http2';

type Http = typeof HttpModule;
type Tls = typeof TlsModule;
type Https = typeof HttpsModule;
type Http2 = typeof Http2Module;

const requireBuiltin = createRequire(import.meta.url);

let httpModule: Http | undefined;
let tlsModule: Tls | undefined;
let httpsModule: Https | undefined;
let http2Module: Http2 | undefined;

export function loadHttp(): Http {
  return (httpModule ??= requireBuiltin('node:http') as Http);
}

export function loadTls(): Tls {
  return (tlsModule ??= requireBuiltin('node:tls') as Tls);
}

export function loadHttps(): Https {
  // https evaluates tls itself; loading it here first keeps the checks below true to it.
  loadTls();
  return (httpsModule ??= requireBuiltin('node:https') as Https);
}

export function loadHttp2(): Http2 {
  loadTls();
  return (http2Module ??= requireBuiltin('node:http2') as Http2);
}

/** node:http2 if it was loaded here, else undefined (no HTTP/2 object of ours can exist yet). */
export function loadedHttp2(): Http2 | undefined {
  return http2Module;
}

/** `server instanceof tls.Server` (https, HTTP/2 over TLS), without loading node:tls. */
export function isTlsServer(server: object): server is TlsModule.Server {
  return tlsModule !== undefined && server instanceof tlsModule.Server;
}

/** `socket instanceof tls.TLSSocket`, without loading node:tls. */
export function isTlsSocket(socket: object): socket is TlsModule.TLSSocket {
  return tlsModule !== undefined && socket instanceof tlsModule.TLSSocket;
}
