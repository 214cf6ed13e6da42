// The ServerResponse subclass a worker's http server creates its responses with. Its
// constructor runs as each request arrives (Node makes the response before emitting
// 'request'), so it is where the worker notes the arrival time that /metrics and the access
// log share: one clock read per request for both, and no per-request object or listener.
//
// What the access log needs on top (counting body bytes for `b`/`B`, keeping head headers
// for `{Header}o`, the client address for `h`) is switched on per server, and noted on each
// response as it is made. The counting write()/end()/writeHead() sit on Node's own
// ServerResponse.prototype, not on this subclass: Express (and any framework doing the same)
// swaps each response's prototype for its own object that inherits from Node's, which would
// skip a subclass's methods but never Node's. They count only responses this class marked,
// so any other response in the process passes through untouched. Never as own properties of
// each response: an own `write`/`end` per response shadows the prototype's and sends V8 down
// its slow property paths on every request (a profile under wrk showed ~7% of a worker's time).
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Http2ServerResponse, Http2ServerRequest, ServerHttp2Stream } from 'node:http2';
import { loadHttp2 } from '../http/lazy-builtins.js';
import { monotonicMs } from '../monotonic-clock.js';

export interface ResponseFeatures {
  /** Count the body bytes the app writes (`b`, `B`). */
  readonly countBytes: boolean;
  /** Make headers given to writeHead() as an object visible to getHeader() (`{Header}o`). */
  readonly keepHeadHeaders: boolean;
  /** Read the peer address at arrival (`h`): once a closed connection's socket is gone, so is its address. */
  readonly captureAddress: boolean;
  /** Keep the request target as it arrived (`r`, `U`, `q`): routers rewrite `req.url` as they route. */
  readonly captureTarget: boolean;
}

const NO_FEATURES: ResponseFeatures = { countBytes: false, keepHeadHeaders: false, captureAddress: false, captureTarget: false };

const ARRIVED = Symbol('gunicorn-ts.arrived');
/** Body bytes so far: a number on responses whose class counts them, undefined on any other. */
const BYTES = Symbol('gunicorn-ts.body-bytes');
const KEEP_HEADERS = Symbol('gunicorn-ts.keep-head-headers');
const ADDRESS = Symbol('gunicorn-ts.arrival-address');
const TARGET = Symbol('gunicorn-ts.arrival-target');

type WorkerResponse = ServerResponse & {
  [ARRIVED]?: number; [BYTES]?: number | undefined; [KEEP_HEADERS]?: boolean; [ADDRESS]?: string | undefined; [TARGET]?: string | undefined;
};
type Chunk = string | Uint8Array | undefined | null | (() => void);

/** monotonicMs() when the request of `res` arrived; `fallback` for a response made elsewhere. */
export function arrivedAt(res: ServerResponse, fallback: number): number {
  return (res as WorkerResponse)[ARRIVED] ?? fallback;
}

/** Body bytes written to `res` so far (0 unless the class counts them; a HEAD response has none). */
export function bodyBytes(res: ServerResponse): number {
  return res.req.method === 'HEAD' ? 0 : (res as WorkerResponse)[BYTES] ?? 0;
}

/** The peer address read when the request arrived (undefined unless the class captures it). */
export function arrivalAddress(res: ServerResponse): string | undefined {
  return (res as WorkerResponse)[ADDRESS];
}

/** The request target (`req.url`) as it arrived, before any router rewrote it (undefined unless noted). */
export function arrivalTarget(res: ServerResponse): string | undefined {
  return (res as WorkerResponse)[TARGET];
}

/**
 * Notes `req.url` before the app sees the request (serve-request.ts, for both protocols: an
 * HTTP/2 response is made before node:http2 links it to its request).
 */
export function noteArrivalTarget(res: ServerResponse, req: IncomingMessage): void {
  (res as WorkerResponse)[TARGET] = req.url;
}

function chunkBytes(chunk: Chunk, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8');
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

/** write() and end() as the counting wrappers call them: (chunk, encoding, callback), any of them absent. */
type BodyMethod = (this: ServerResponse, chunk?: Chunk, encoding?: unknown, callback?: unknown) => unknown;
const write = ServerResponse.prototype.write as BodyMethod;
const end = ServerResponse.prototype.end as BodyMethod;
const { writeHead } = ServerResponse.prototype;

// Both pass their three arguments on as given (absent ones as undefined): Node's write()
// and end() tell them apart by type, never by count.
function countingWrite(this: WorkerResponse, chunk: Chunk, encoding?: unknown, callback?: unknown): boolean {
  const bytes = this[BYTES];
  if (bytes !== undefined) this[BYTES] = bytes + chunkBytes(chunk, encoding);
  return write.call(this, chunk, encoding, callback) as boolean;
}

function countingEnd(this: WorkerResponse, chunk?: Chunk, encoding?: unknown, callback?: unknown): ServerResponse {
  const bytes = this[BYTES];
  if (bytes !== undefined) this[BYTES] = bytes + chunkBytes(chunk, encoding);
  return end.call(this, chunk, encoding, callback) as ServerResponse;
}

/**
 * Headers given to writeHead() as an object bypass setHeader(), so getHeader() (and the
 * `{Header}o` atoms) would not see them: set them first, then write the head without them.
 */
function keepingWriteHead(this: WorkerResponse, status: number, ...rest: unknown[]): ServerResponse {
  const headers = rest.at(-1);
  if (this[KEEP_HEADERS] === true && headers !== null && typeof headers === 'object' && !Array.isArray(headers) && !this.headersSent) {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value !== undefined) this.setHeader(name, value as string | number | readonly string[]);
    }
    rest = rest.slice(0, -1);
  }
  return Reflect.apply(writeHead, this, [status, ...rest]) as ServerResponse;
}

/**
 * Node's ServerResponse as its http server calls it: with the request and the response's
 * options (highWaterMark, …), a second argument @types/node omits. ServerResponse is this
 * type as declared (a constructor that takes fewer arguments is one that ignores the rest);
 * the added signature lets the subclass pass the options on.
 */
const ResponseWithOptions: typeof ServerResponse & (new <Request extends IncomingMessage = IncomingMessage>(req: Request, options?: object) => ServerResponse<Request>) = ServerResponse;

/** Installs `method` on Node's own ServerResponse.prototype (once per process: later calls find it there). */
function installOnNodePrototype(name: 'write' | 'end' | 'writeHead', method: unknown): void {
  if (Reflect.get(ServerResponse.prototype, name) !== method) Reflect.set(ServerResponse.prototype, name, method);
}

/** A ServerResponse subclass noting each request's arrival, plus what `features` ask for. */
export function workerResponseClass(features: ResponseFeatures = NO_FEATURES): typeof ServerResponse {
  const { countBytes, keepHeadHeaders, captureAddress } = features;
  if (countBytes) {
    installOnNodePrototype('write', countingWrite);
    installOnNodePrototype('end', countingEnd);
  }
  if (keepHeadHeaders) installOnNodePrototype('writeHead', keepingWriteHead);
  // Generic over the request class as ServerResponse is, so that it is a typeof ServerResponse.
  class ArrivalTimedResponse<Request extends IncomingMessage = IncomingMessage> extends ResponseWithOptions<Request> {
    constructor(req: Request, options?: object) {
      super(req, options);
      const self = this as WorkerResponse;
      // Every field is set here, in the same order, so every response has one shape.
      self[ARRIVED] = monotonicMs();
      self[BYTES] = countBytes ? 0 : undefined;
      self[KEEP_HEADERS] = keepHeadHeaders;
      self[ADDRESS] = captureAddress ? req.socket?.remoteAddress : undefined;
      self[TARGET] = undefined;
    }
  }
  return ArrivalTimedResponse;
}

type H2Method = (this: Http2ServerResponse, chunk?: Chunk, encoding?: unknown, callback?: unknown) => unknown;
type CountedH2 = Http2ServerResponse & { [BYTES]?: number | undefined };
/** Made from node:http2's own write() the first time it is needed (node:http2 loads lazily). */
let countingH2Write: H2Method | undefined;

function countingH2WriteOver(h2Write: H2Method): H2Method {
  return function (this: CountedH2, chunk: Chunk, encoding?: unknown, callback?: unknown): unknown {
    const bytes = this[BYTES];
    if (bytes !== undefined) this[BYTES] = bytes + chunkBytes(chunk, encoding);
    return h2Write.call(this, chunk, encoding, callback);
  };
}

/**
 * The same for HTTP/2 streams (node:http2's compatibility response): arrival time, body
 * bytes and the peer address under the same symbols, so the access log and /metrics read
 * HTTP/2 responses exactly as HTTP/1.x ones. `{Header}o` needs nothing here: the compatibility
 * writeHead() sets an object's headers through setHeader(), so getHeader() sees them.
 * Called only when the worker serves HTTP/2: the class needs node:http2 loaded.
 */
export function workerHttp2ResponseClass(features: ResponseFeatures = NO_FEATURES): typeof Http2ServerResponse {
  const { countBytes, captureAddress } = features;
  const http2 = loadHttp2();
  // Only write() counts: the compatibility end(chunk) writes its chunk through write().
  if (countBytes) {
    const proto = http2.Http2ServerResponse.prototype;
    countingH2Write ??= countingH2WriteOver(proto.write as H2Method);
    if (proto.write !== countingH2Write) Reflect.set(proto, 'write', countingH2Write);
  }
  class ArrivalTimedHttp2Response<Request extends Http2ServerRequest = Http2ServerRequest> extends http2.Http2ServerResponse<Request> {
    constructor(stream: ServerHttp2Stream) {
      // Node also passes stream options (a highWaterMark only when the server sets one; it does not).
      super(stream);
      const self = this as Http2ServerResponse<Request> & { [ARRIVED]?: number; [BYTES]?: number | undefined; [KEEP_HEADERS]?: boolean; [ADDRESS]?: string | undefined; [TARGET]?: string | undefined };
      self[ARRIVED] = monotonicMs();
      self[BYTES] = countBytes ? 0 : undefined;
      self[KEEP_HEADERS] = false;
      self[ADDRESS] = captureAddress ? stream.session?.socket?.remoteAddress : undefined;
      self[TARGET] = undefined;
    }
  }
  return ArrivalTimedHttp2Response;
}

/** Date.now() − monotonicMs(), re-read at most once a second (see wallClockMs). */
let wallOffset = 0;
let offsetValidUntil = -Infinity;

/**
 * The wall-clock time (ms since the epoch) of a monotonicMs() reading, without reading
 * the wall clock per request: the offset between the two clocks is read again once a second,
 * so a stepped system clock shows in the access log within a second.
 */
export function wallClockMs(reading: number): number {
  if (reading >= offsetValidUntil) {
    const now = monotonicMs();
    wallOffset = Date.now() - now;
    offsetValidUntil = now + 1000;
  }
  return wallOffset + reading;
}
