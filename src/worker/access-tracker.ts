// Times every request from arrival to the end of its response and hands the finished
// request to the Logger's access() (access log, syslog and statsd). Response bytes are
// counted only when the access-log format prints them (`b`, `B`): it costs a wrapper per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatAtoms } from '../log/index.js';
import type { Logger } from '../log/index.js';

export type AccessTracker = (req: IncomingMessage, res: ServerResponse) => void;

type Chunk = string | Uint8Array | undefined | null | (() => void);

function chunkBytes(chunk: Chunk, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8');
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

/** Wraps res.write/res.end to count body bytes; returns the running total. */
function countBytes(res: ServerResponse): () => number {
  let bytes = 0;
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: Chunk, ...rest: unknown[]): boolean {
    bytes += chunkBytes(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: Chunk, ...rest: unknown[]): ServerResponse {
    bytes += chunkBytes(chunk, rest[0]);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
  // A HEAD response has no body, whatever the app wrote.
  return () => (res.req?.method === 'HEAD' ? 0 : bytes);
}

/**
 * Headers given to writeHead() as an object bypass setHeader(), so getHeader() (and the
 * `{Header}o` atoms) would not see them: set them first, then write the head without them.
 */
function keepHeadHeaders(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]): ServerResponse {
    const headers = rest.at(-1);
    if (headers !== null && typeof headers === 'object' && !Array.isArray(headers) && !this.headersSent) {
      for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
        if (value !== undefined) this.setHeader(name, value as string | number | readonly string[]);
      }
      rest = rest.slice(0, -1);
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).call(this, status, ...rest);
  } as ServerResponse['writeHead'];
}

/** The per-request tracker for `log`; the access record is built when the response closes. */
export function accessTracker(log: Logger): AccessTracker {
  const { accesslog, syslog, access_log_format: format } = log.settings;
  const atoms = formatAtoms(format);
  const writes = accesslog !== null || syslog;
  const wantsBytes = writes && (atoms.includes('b') || atoms.includes('B'));
  // Read at arrival: once a closed connection's socket is gone its address is too (the
  // kernel is asked once per connection, Node caches it).
  const wantsAddress = writes && atoms.includes('h');
  const wantsResponseHeaders = writes && atoms.some((a) => a.endsWith('}o'));
  return (req, res) => {
    const startedAt = process.hrtime.bigint();
    const startedMs = Date.now();
    const bytes = wantsBytes ? countBytes(res) : () => 0;
    if (wantsResponseHeaders) keepHeadHeaders(res);
    const remoteAddress = wantsAddress ? req.socket.remoteAddress : undefined;
    res.once('close', () => {
      log.access({
        req, res, startedAt, finishedAt: process.hrtime.bigint(),
        startedWall: new Date(startedMs), responseBytes: bytes(),
        ...(remoteAddress === undefined ? {} : { remoteAddress }),
      });
    });
  };
}
