// Express over HTTP/2. Express gives each request and response the prototypes app.request and
// app.response (a mounted app its own), which inherit from http.IncomingMessage and
// http.ServerResponse: on node:http2's compatibility objects that swaps out their own methods
// (reading a body or setting a header then throws). An HTTP/2 request into an Express app gets
// node:http2's methods as its own properties first, so they win whatever prototype it is given.
import { IncomingMessage, OutgoingMessage, ServerResponse, type RequestListener } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { loadedHttp2, loadHttp2 } from '../../http/lazy-builtins.js';

/** An Express app: a function with handle() and the request and response prototypes it gives. */
function isExpress(value: unknown): boolean {
  return typeof value === 'function'
    && 'handle' in value && typeof value.handle === 'function'
    && 'request' in value && value.request instanceof IncomingMessage
    && 'response' in value && value.response instanceof ServerResponse;
}

/**
 * What an HTTP/2 object must own to behave as itself under an HTTP/1 prototype: `own`'s
 * properties, and for each property the HTTP/1 classes (`http1`) add, what `base` (the
 * stream class both share) has for it, or undefined.
 */
function shield(own: object, http1: readonly object[], base: object): PropertyDescriptorMap {
  const map: PropertyDescriptorMap = { ...Object.getOwnPropertyDescriptors(own) };
  for (const proto of http1) {
    for (const key of Reflect.ownKeys(proto)) {
      if (typeof key !== 'string' || key in map) continue;
      let found: PropertyDescriptor | undefined;
      for (let p: object | null = base; p !== null && found === undefined; p = Object.getPrototypeOf(p) as object | null) {
        found = Object.getOwnPropertyDescriptor(p, key);
      }
      map[key] = found ?? { value: undefined, writable: true, configurable: true };
    }
  }
  return map;
}

let shields: { request: PropertyDescriptorMap; response: PropertyDescriptorMap } | null = null;

/**
 * Taken at the first HTTP/2 request, after the worker has instrumented node:http2's
 * response prototype (byte counting), so the shield carries the instrumented methods.
 */
function currentShields(): { request: PropertyDescriptorMap; response: PropertyDescriptorMap } {
  if (shields === null) {
    const { Http2ServerRequest, Http2ServerResponse } = loadHttp2();
    shields = {
      request: shield(Http2ServerRequest.prototype, [IncomingMessage.prototype], Object.getPrototypeOf(Http2ServerRequest.prototype) as object),
      response: shield(Http2ServerResponse.prototype, [ServerResponse.prototype, OutgoingMessage.prototype], Object.getPrototypeOf(Http2ServerResponse.prototype) as object),
    };
  }
  return shields;
}

/**
 * The listener for a `(req, res)` app: an Express app's HTTP/2 requests and responses are
 * shielded first; HTTP/1.x requests and every other listener are untouched.
 */
export function http2ReadyListener(app: RequestListener): RequestListener {
  if (!isExpress(app)) return app;
  const listener = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void => {
    // node:http2 is loaded once the edge serves HTTP/2; before that no request can be one.
    const http2 = loadedHttp2();
    if (http2 !== undefined && req instanceof http2.Http2ServerRequest) {
      const { request, response } = currentShields();
      Object.defineProperties(req, request);
      Object.defineProperties(res, response);
    }
    app(req as IncomingMessage, res as ServerResponse);
  };
  return listener as RequestListener;
}
