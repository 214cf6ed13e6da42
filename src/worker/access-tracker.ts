// Times every request from arrival to the end of its response and hands the finished
// request to the Logger's access() (access log, syslog and statsd). Per request it keeps one
// state object on the response and shares its listeners and wrappers (no closure per
// request); it counts body bytes and keeps head headers only when the format prints them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessRecord, Logger } from '../log/index.js';

export type AccessTracker = (req: IncomingMessage, res: ServerResponse) => void;

type Chunk = string | Uint8Array | undefined | null | (() => void);

/** What the tracker knows about one request until its response closes. */
interface RequestState {
  readonly startedAt: bigint;
  readonly startedMs: number;
  /** Read at arrival: once a closed connection's socket is gone its address is too. */
  readonly remoteAddress: string | undefined;
  bytes: number;
  /** The response's own methods, which the shared wrappers below call. */
  readonly write: ServerResponse['write'];
  readonly end: ServerResponse['end'];
  readonly writeHead: ServerResponse['writeHead'];
}

const STATE = Symbol('gunicorn-ts.access');
type TrackedResponse = ServerResponse & { [STATE]?: RequestState };

function chunkBytes(chunk: Chunk, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8');
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

// The wrappers are shared by every response: `this` finds the request's state.
function countingWrite(this: TrackedResponse, chunk: Chunk, encoding?: unknown): boolean {
  const state = this[STATE]!;
  state.bytes += chunkBytes(chunk, encoding);
  return Reflect.apply(state.write, this, arguments) as boolean;
}

function countingEnd(this: TrackedResponse, chunk?: Chunk, encoding?: unknown): ServerResponse {
  const state = this[STATE]!;
  state.bytes += chunkBytes(chunk, encoding);
  return Reflect.apply(state.end, this, arguments) as ServerResponse;
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
  return Reflect.apply(this[STATE]!.writeHead, this, [status, ...rest]) as ServerResponse;
}

const ignore: AccessTracker = () => undefined;

/** The per-request tracker for `log`; the access record is built when the response closes. */
export function accessTracker(log: Logger): AccessTracker {
  // No access log, syslog or statsd (and access() not overridden): nothing to time.
  if (!log.recordsRequests) return ignore;
  const { accesslog, syslog } = log.settings;
  const atoms = log.accessAtoms;
  const writes = accesslog !== null || syslog;
  const wantsBytes = writes && (atoms.includes('b') || atoms.includes('B'));
  const wantsAddress = writes && atoms.includes('h');
  const wantsResponseHeaders = writes && atoms.some((a) => a.endsWith('}o'));
  const onClose = function (this: TrackedResponse): void {
    const state = this[STATE];
    if (state === undefined) return;
    const record: AccessRecord = {
      req: this.req, res: this, startedAt: state.startedAt, finishedAt: process.hrtime.bigint(),
      startedWall: new Date(state.startedMs),
      // A HEAD response has no body, whatever the app wrote.
      responseBytes: this.req.method === 'HEAD' ? 0 : state.bytes,
      remoteAddress: state.remoteAddress,
    };
    log.access(record);
  };
  return (req, res) => {
    const tracked = res as TrackedResponse;
    tracked[STATE] = {
      startedAt: process.hrtime.bigint(), startedMs: Date.now(),
      remoteAddress: wantsAddress ? req.socket.remoteAddress : undefined,
      bytes: 0, write: res.write, end: res.end, writeHead: res.writeHead,
    };
    if (wantsBytes) {
      res.write = countingWrite as ServerResponse['write'];
      res.end = countingEnd as ServerResponse['end'];
    }
    if (wantsResponseHeaders) res.writeHead = keepingWriteHead as ServerResponse['writeHead'];
    res.on('close', onClose);
  };
}
