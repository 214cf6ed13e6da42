// enrich_response: wraps each response body as {"res": <body>, "info": {t1,d1,d2,pid,nr,max}}
// (the Gunicorn fork's telemetry), content-type JSON. A body given whole, or a JSON body, is
// wrapped with its Content-Length; a text body written piece by piece streams through the
// wrapper, chunked; a body that is not text (by content type) or has none (HEAD, 1xx, 204,
// 304) passes through byte for byte, the telemetry in the X-Enrich-Info response header.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { epochClock } from './epoch-clock.js';

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

/** µs since the epoch, with sub-millisecond resolution, kept on the wall clock (epoch-clock.ts). */
export const nowMicros: () => number = epochClock();

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
    enrichBodyOf(res, () => ({ t1, d1: called - t1, d2: this.clock() - called, pid: this.pid, nr, max: this.maxRequests }));
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

/** The response header that carries the telemetry of a body passed through unchanged. */
export const INFO_HEADER = 'x-enrich-info';

/**
 * Text by content type: what can sit in a JSON string without losing bytes. A response without
 * a content-type counts as text (the fork wraps every body); a compressed one does not.
 */
const TEXT_TYPE = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml)\b|application\/(?:javascript|ecmascript|x-www-form-urlencoded|x-ndjson)\b)/i;

/**
 * How a body is enriched, decided when its head is about to go out:
 * - `pass`: no body, or not text: sent byte for byte, the telemetry in the X-Enrich-Info header;
 * - `buffer`: the whole body is known at once (a single end()), or it is JSON, which must be
 *   complete to be embedded as JSON: wrapped, with its Content-Length;
 * - `stream`: text written piece by piece: `{"res":"` goes out with the head, each piece as it
 *   comes (escaped), `","info":{…}}` at the end; chunked, nothing held back.
 */
export type EnrichMode = 'pass' | 'buffer' | 'stream';

export function enrichMode(contentType: string | undefined, contentEncoding: string | undefined, status: number, streaming: boolean): EnrichMode {
  if (hasNoBody(undefined, status)) return 'pass';
  const encoded = contentEncoding !== undefined && !/^\s*identity\s*$/i.test(contentEncoding);
  if (encoded || (contentType !== undefined && !TEXT_TYPE.test(contentType.trim()))) return 'pass';
  if (!streaming || (contentType !== undefined && JSON_TYPE.test(contentType))) return 'buffer';
  return 'stream';
}

const OVERRIDES = ['writeHead', 'flushHeaders', 'write', 'end'] as const;
type Overridden = (typeof OVERRIDES)[number];

/** The method `res` has without this module's own-property overrides (its prototype's). */
function inherited<K extends Overridden>(res: ServerResponse, name: K): ServerResponse[K] {
  return Reflect.get(Object.getPrototypeOf(res) as object, name) as ServerResponse[K];
}

/** A piece of text as it sits inside a JSON string (no quotes). */
function jsonStringPiece(text: string): string {
  return text === '' ? '' : JSON.stringify(text).slice(1, -1);
}

/**
 * Intercepts what the app writes (writeHead becomes setHeader calls, so the head can still
 * change) until the first write or end decides the mode; `infoAt` gives the telemetry then.
 */
function enrichBodyOf(res: ServerResponse, infoAt: () => EnrichInfo): void {
  let mode: EnrichMode | null = null;
  const held: Buffer[] = [];
  const decoder = new StringDecoder('utf8');
  let ended = false;
  const drop = (...names: Overridden[]): void => { for (const name of names) Reflect.deleteProperty(res, name); };
  const send = (text: string, cb?: Callback): boolean => inherited(res, 'write').call(res, text, 'utf8', cb);
  const decide = (streaming: boolean): EnrichMode => {
    if (mode !== null) return mode;
    mode = enrichMode(headerText(res.getHeader('content-type')), headerText(res.getHeader('content-encoding')), res.statusCode, streaming);
    if (mode === 'pass') {
      if (!hasNoBody(undefined, res.statusCode)) res.setHeader(INFO_HEADER, JSON.stringify(infoAt()));
      drop(...OVERRIDES);
    } else if (mode === 'stream') {
      res.removeHeader('content-length');
      res.setHeader('content-type', 'application/json');
      // Node's own write() writes the head through this.writeHead(): the real one from now on.
      drop('writeHead', 'flushHeaders');
      send('{"res":"');
    }
    return mode;
  };
  res.writeHead = function writeHead(status: number, ...rest: unknown[]): ServerResponse {
    res.statusCode = status;
    const [message, headers] = typeof rest[0] === 'string' ? [rest[0], rest[1]] : [undefined, rest[0]];
    if (message !== undefined) res.statusMessage = message;
    for (const [name, value] of headerPairs(headers)) res.setHeader(name, value);
    return res;
  } as ServerResponse['writeHead'];
  // An app flushing its head wants it out now (server-sent events): a streamed body.
  res.flushHeaders = function flushHeaders(): void {
    if (decide(true) === 'pass') res.flushHeaders();
  };
  res.write = function write(...args: WriteArgs): boolean {
    const { chunk, encoding, cb } = parseArgs(args);
    const mode = decide(true);
    if (mode === 'pass') return Reflect.apply(res.write, res, args) as boolean;
    const bytes = chunk === undefined || chunk === null ? null : toBuffer(chunk, encoding);
    if (mode === 'stream') return send(bytes === null ? '' : jsonStringPiece(decoder.write(bytes)), cb);
    if (bytes !== null) held.push(bytes);
    if (cb) process.nextTick(cb);
    return true;
  } as ServerResponse['write'];
  res.end = function end(...args: WriteArgs): ServerResponse {
    if (ended) return res;
    ended = true;
    const mode = decide(false);
    drop(...OVERRIDES);
    if (mode === 'pass') return Reflect.apply(res.end, res, args) as ServerResponse;
    const { chunk, encoding, cb } = parseArgs(args);
    const bytes = chunk === undefined || chunk === null ? null : toBuffer(chunk, encoding);
    const info = infoAt();
    if (mode === 'stream') {
      const rest = (bytes === null ? '' : decoder.write(bytes)) + decoder.end();
      return res.end(`${jsonStringPiece(rest)}","info":${JSON.stringify(info)}}`, 'utf8', cb);
    }
    if (bytes !== null) held.push(bytes);
    const body = Buffer.from(enrichBody(Buffer.concat(held), headerText(res.getHeader('content-type')), info), 'utf8');
    res.removeHeader('transfer-encoding');
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', body.length);
    return res.end(body, cb);
  } as ServerResponse['end'];
}
