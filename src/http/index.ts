// The HTTP edge's public surface: the worker builds its server through createHttpEdge,
// the arbiter and --check-config validate the settings, and apps read the client address
// and scheme the edge decided through clientAddress() and requestScheme().

export { createHttpEdge } from './edge.js';
export type { EdgeServer, EdgeServerOptions, EdgeSettings, HttpEdge, Listener } from './edge.js';
export type { EdgeLog, EdgeLogLevel } from './edge-log.js';
export { validateEdgeSettings } from './validate.js';
export type { EdgeSummary } from './validate.js';
export { clientAddress, requestScheme, edgeInfo } from './forwarded.js';
export type { RequestEdgeInfo } from './forwarded.js';
export { acceptedSocketOf, proxyHeaderOf } from './proxy-accept.js';
export { isCleartextHttp2 } from './http2.js';
export { isTlsServer } from './lazy-builtins.js';
export { isHttp2Request } from './head-checks.js';
export { closingResponse } from './client-error.js';
export type { ProxyHeader } from './proxy-protocol.js';
