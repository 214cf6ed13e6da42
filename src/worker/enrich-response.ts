// enrich_response: wraps each response body as {"res": <body>, "info": {t1,d1,d2,pid,nr,max}}
// (the Gunicorn fork's telemetry). The app's body is buffered, so the framing is rebuilt:
// Content-Length recomputed, Transfer-Encoding dropped, content-type JSON. HEAD, 1xx, 204
// and 304 responses carry no body and pass through untouched.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface EnrichInfo {
  /** Arrival of the request, µs since the epoch. */
  readonly t1: number;
  /** µs from arrival until the app was called (pre_request and the gate). */
  readonly d1: number;
  /** µs the app took: from the call until it ended its response. */
  readonly d2: number;
  readonly pid: number;
  /** Requests this worker has received, this one included. */
  readonly nr: number;
  /** This worker's max_requests with its jitter (0 = unlimited). */
  readonly max: number;
}

/** µs since the epoch, with sub-millisecond resolution. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;

/**
 * The enriched body. `res` is the app's body parsed as JSON when the app declared a JSON
 * content-type and the body parses; otherwise the body as a UTF-8 string ("" when empty).
 */
export function enrichBody(body: Buffer, contentType: string | undefined, info: EnrichInfo): string {
  const text = body.toString('utf8');
  let res: unknown = text;
  if (contentType !== undefined && JSON_TYPE.test(contentType) && text.trim() !== '') {
    try {
      res = JSON.parse(text);
    } catch {
      res = text;
    }
  }
  return JSON.stringify({ res, info });
}

/** Statuses that never carry a body: nothing to enrich. */
export function hasNoBody(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status < 200 || status === 204 || status === 304;
}

type Callback = (err?: Error | null) => void;
type WriteArgs = [chunk?: unknown, encoding?: unknown, cb?: unknown];

/** Per-request timing handed back to the request path. */
export interface EnrichedRequest {
  /** Call right before the app is called. */
  appCalled(): void;
}

/** One per worker: numbers the requests and wraps each response. */
export class ResponseEnricher {
  #received = 0;

  constructor(private readonly maxRequests: number, private readonly clock: () => number = nowMicros, private readonly pid = process.pid) {}

  /** Call when the request arrives, before anything else touches `res`. */
  begin(req: IncomingMessage, res: ServerResponse): EnrichedRequest {
    const t1 = this.clock();
    const nr = ++this.#received;
    let called = t1;
    if (req.method === 'HEAD') return { appCalled: () => undefined };
    bufferBody(res, (body) => {
      const info: EnrichInfo = { t1, d1: called - t1, d2: this.clock() - called, pid: this.pid, nr, max: this.maxRequests };
      return enrichBody(body, headerText(res.getHeader('content-type')), info);
    });
    return { appCalled: () => { called = this.clock(); } };
  }
}

function headerText(value: ReturnType<ServerResponse['getHeader']>): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
}

/** Splits write/end's optional (chunk, encoding, callback) arguments. */
function parseArgs(args: WriteArgs): { chunk: unknown; encoding: unknown; cb: Callback | undefined } {
  const [chunk, encoding, cb] = args;
  if (typeof chunk === 'function') return { chunk: undefined, encoding: undefined, cb: chunk as Callback };
  if (typeof encoding === 'function') return { chunk, encoding: undefined, cb: encoding as Callback };
  return { chunk, encoding, cb: typeof cb === 'function' ? (cb as Callback) : undefined };
}

/** writeHead's headers as name/value pairs (object, [[k, v]] or flat [k, v, k, v]). */
function headerPairs(headers: unknown): [string, string | number | string[]][] {
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) return (headers as [string, string][]).map(([k, v]) => [k, v]);
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([String(headers[i]), String(headers[i + 1])]);
    return pairs;
  }
  if (headers === null || typeof headers !== 'object') return [];
  return Object.entries(headers as OutgoingHttpHeaders).filter(([, v]) => v !== undefined) as [string, string | number | string[]][];
}

/**
 * Holds back everything the app writes (headers included: writeHead becomes setHeader
 * calls, so the length can still change), then sends `transform(body)` in one end().
 */
function bufferBody(res: ServerResponse, transform: (body: Buffer) => string): void {
  const chunks: Buffer[] = [];
  let ended = false;
  // Node's own end() calls this.writeHead() (implicit headers): the overrides must be gone by then.
  const realEnd = (chunk: Buffer | undefined, cb: Callback | undefined): ServerResponse => {
    for (const name of ['writeHead', 'flushHeaders', 'write', 'end'] as const) Reflect.deleteProperty(res, name);
    return res.end(chunk, cb);
  };
  res.writeHead = function writeHead(status: number, ...rest: unknown[]): ServerResponse {
    res.statusCode = status;
    const [message, headers] = typeof rest[0] === 'string' ? [rest[0], rest[1]] : [undefined, rest[0]];
    if (message !== undefined) res.statusMessage = message;
    for (const [name, value] of headerPairs(headers)) res.setHeader(name, value);
    return res;
  } as ServerResponse['writeHead'];
  res.flushHeaders = () => undefined;
  res.write = function write(...args: WriteArgs): boolean {
    const { chunk, encoding, cb } = parseArgs(args);
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    if (cb) process.nextTick(cb);
    return true;
  } as ServerResponse['write'];
  res.end = function end(...args: WriteArgs): ServerResponse {
    const { chunk, encoding, cb } = parseArgs(args);
    if (ended) return res;
    ended = true;
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    const raw = Buffer.concat(chunks);
    if (hasNoBody(undefined, res.statusCode)) return realEnd(raw.length > 0 ? raw : undefined, cb);
    const body = Buffer.from(transform(raw), 'utf8');
    res.removeHeader('transfer-encoding');
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', body.length);
    return realEnd(body, cb);
  } as ServerResponse['end'];
}
