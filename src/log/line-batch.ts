// How the access log's lines reach its file: encoded into 64 KiB Buffers as they come, each
// Buffer handed to sonic-boom when full. Never gathered as one JS string: a gathered string
// (each line a tree of concatenated pieces) kept ~0.7 MB of heap objects alive per batch;
// they survived young-generation collections, each scavenge took ~1 ms instead of ~0.2 ms,
// and a worker served ~3% fewer requests (docs/logging.md, "What the access log costs").
// put() goes further and writes a line's pieces straight into the batch (line-bytes.ts),
// with no string built for the line at all.
//
// The stream's flush() and flushSync(), which sonic-boom's periodic timer, pino's exit
// handler, a reopen and flushDestination() call, take the gathered bytes first.
import type { Destination } from './destination.js';
import { FULL, putText } from './line-bytes.js';

/**
 * Each write is handed to libuv's thread pool, and that hand-off costs more than the write
 * itself: under wrk, a bare node:http server with the access recorder spent ~1.3 µs more
 * system CPU per request with 4 KiB batches than without the access log, with 16 or 64 KiB
 * no measurable difference (docs/logging.md).
 */
export const BATCH = 64 * 1024;

/**
 * Writes one line of `value` into `buf` from `at` as UTF-8 and returns the offset after it,
 * or FULL (line-bytes.ts) when it does not fit; what it wrote before FULL is ignored.
 */
export type LineEncoder<T> = (value: T, buf: Buffer, at: number) => number;

export interface LineBatch {
  /** Adds a line of text. */
  write(text: string): void;
  /** Adds the line `encode` makes of `value`, encoded straight into the batch. */
  put<T>(value: T, encode: LineEncoder<T>): void;
}

/** Batches lines for `stream` (an asynchronous sonic-boom in 'buffer' mode), wrapping its flush methods. */
export function batchLines(stream: Destination): LineBatch {
  // write(Buffer): the 'buffer' contentMode (declared in missing-typings.ts).
  const writeBytes = (bytes: Buffer): void => void stream.write(bytes);
  let batch = Buffer.allocUnsafe(BATCH);
  let used = 0;
  const push = (): void => {
    if (used === 0) return;
    const full = batch.subarray(0, used);
    batch = Buffer.allocUnsafe(BATCH);
    used = 0;
    writeBytes(full);
  };
  const encode = <T>(value: T, encoder: LineEncoder<T>): void => {
    let end = encoder(value, batch, used);
    if (end === FULL) {
      // The line goes whole into the next batch; what it wrote past `used` is dropped.
      push();
      end = encoder(value, batch, 0);
      if (end === FULL) return writeBytes(encodeAlone(value, encoder));
    }
    used = end;
  };
  const { flush, flushSync } = stream;
  stream.flush = function (this: Destination, cb?: (err?: Error) => void): void {
    push();
    flush.call(this, cb);
  };
  stream.flushSync = function (this: Destination): void {
    push();
    flushSync.call(this);
  };
  return { write: (text) => encode(text, encodeText), put: encode };
}

const encodeText: LineEncoder<string> = (text, buf, at) => putText(buf, at, text);

/** A line longer than a batch, in a Buffer of its own. */
function encodeAlone<T>(value: T, encoder: LineEncoder<T>): Buffer {
  for (let size = BATCH * 2; ; size *= 2) {
    const buf = Buffer.allocUnsafe(size);
    const end = encoder(value, buf, 0);
    if (end !== FULL) return buf.subarray(0, end);
  }
}
