// Times every request from arrival to the end of its response and hands the finished
// request to the Logger's access() (access log, syslog and statsd). Per request it keeps one
// state object on the response and shares its close listener (no closure per request).
//
// Counting body bytes (`b`, `B`) and keeping head headers (`{Header}o`) wrap write(), end()
// and writeHead(). They are methods of a ServerResponse subclass the worker's http server is
// created with, not properties set on each response: an own `write`/`end` per response
// shadows the prototype's and sends V8 down its slow property paths on every request (a
// profile of a worker under wrk showed ~7% of its time there).
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { AccessRecord, Logger } from '../log/index.js';

export type AccessTracker = (req: IncomingMessage, res: ServerResponse) => void;

export interface AccessTracking {
  readonly track: AccessTracker;
  /** The class to create the http server's responses with (http.createServer's `ServerResponse` option). */
  readonly ServerResponse: typeof ServerResponse;
}

type Chunk = string | Uint8Array | undefined | null | (() => void);

/** What the tracker knows about one request until its response closes. */
interface RequestState {
  readonly startedAt: bigint;
  readonly startedMs: number;
  /** Read at arrival: once a closed connection's socket is gone its address is too. */
  readonly remoteAddress: string | undefined;
}

const STATE = Symbol('gunicorn-ts.access');
const BYTES = Symbol('gunicorn-ts.access-bytes');
type TrackedResponse = ServerResponse & { [STATE]?: RequestState; [BYTES]?: number };

function chunkBytes(chunk: Chunk, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8');
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

const { write, end, writeHead } = ServerResponse.prototype;

function countingWrite(this: TrackedResponse, chunk: Chunk, encoding?: unknown): boolean {
  this[BYTES] = (this[BYTES] ?? 0) + chunkBytes(chunk, encoding);
  return Reflect.apply(write, this, arguments) as boolean;
}

function countingEnd(this: TrackedResponse, chunk?: Chunk, encoding?: unknown): ServerResponse {
  this[BYTES] = (this[BYTES] ?? 0) + chunkBytes(chunk, encoding);
  return Reflect.apply(end, this, arguments) as ServerResponse;
}

/**
 * Headers given to writeHead() as an object bypass setHeader(), so getHeader() (and the
 * `{Header}o` atoms) would not see them: set them first, then write the head without them.
 */
function keepingWriteHead(this: TrackedResponse, status: number, ...rest: unknown[]): ServerResponse {
  const headers = rest.at(-1);
  if (headers !== null && typeof headers === 'object' && !Array.isArray(headers) && !this.headersSent) {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value !== undefined) this.setHeader(name, value as string | number | readonly string[]);
    }
    rest = rest.slice(0, -1);
  }
  return Reflect.apply(writeHead, this, [status, ...rest]) as ServerResponse;
}

/** ServerResponse itself, or a subclass that counts body bytes and/or keeps head headers. */
function responseClass(countBytes: boolean, keepHeadHeaders: boolean): typeof ServerResponse {
  if (!countBytes && !keepHeadHeaders) return ServerResponse;
  class AccessLoggedResponse extends ServerResponse {
    constructor(...args: ConstructorParameters<typeof ServerResponse>) {
      super(...args);
      // Set in the constructor, so every response has the same shape from the start.
      (this as TrackedResponse)[BYTES] = 0;
    }
  }
  const proto = AccessLoggedResponse.prototype as unknown as Record<string, unknown>;
  if (countBytes) {
    proto['write'] = countingWrite;
    proto['end'] = countingEnd;
  }
  if (keepHeadHeaders) proto['writeHead'] = keepingWriteHead;
  // ServerResponse's type is generic over the request class; this one serves IncomingMessage.
  return AccessLoggedResponse as unknown as typeof ServerResponse;
}

const ignore: AccessTracking = { track: () => undefined, ServerResponse };

/** The per-request tracker for `log`; the access record is built when the response closes. */
export function accessTracker(log: Logger): AccessTracking {
  // No access log, syslog or statsd (and access() not overridden): nothing to time.
  if (!log.recordsRequests) return ignore;
  const { accesslog, syslog } = log.settings;
  const atoms = log.accessAtoms;
  const writes = accesslog !== null || syslog;
  const wantsAddress = writes && atoms.includes('h');
  const Response = responseClass(
    writes && (atoms.includes('b') || atoms.includes('B')),
    writes && atoms.some((a) => a.endsWith('}o')),
  );
  const onClose = function (this: TrackedResponse): void {
    const state = this[STATE];
    if (state === undefined) return;
    const record: AccessRecord = {
      req: this.req, res: this, startedAt: state.startedAt, finishedAt: process.hrtime.bigint(),
      startedWall: new Date(state.startedMs),
      // A HEAD response has no body, whatever the app wrote.
      responseBytes: this.req.method === 'HEAD' ? 0 : this[BYTES] ?? 0,
      remoteAddress: state.remoteAddress,
    };
    log.access(record);
  };
  const track: AccessTracker = (req, res) => {
    (res as TrackedResponse)[STATE] = {
      startedAt: process.hrtime.bigint(), startedMs: Date.now(),
      remoteAddress: wantsAddress ? req.socket.remoteAddress : undefined,
    };
    res.on('close', onClose);
  };
  return { track, ServerResponse: Response };
}
