// Opens the files the logs write to, through pino.destination (sonic-boom, no worker
// thread), and reopens them for logrotate. '-' means the process's own stdout/stderr,
// which are never reopened or closed.
import { openSync } from 'node:fs';
import pino from 'pino';

export type Destination = ReturnType<typeof pino.destination>;

export interface FileDestination {
  stream: Destination;
  /** Writes text; an asynchronous destination gathers it into batches (see batchWrites). */
  write: (text: string) => void;
  /** null for stdout/stderr. */
  path: string | null;
  /** Settles when the last reopen() has opened the new file (see closeDestination). */
  reopened: Promise<void>;
}

/**
 * An asynchronous destination (the access log) writes in batches of 64 KiB, or whatever has
 * gathered after 200 ms (sonic-boom's periodic flush); flush(), a reopen and the exit flush
 * write out the rest. Each write is handed to libuv's thread pool, and that hand-off costs
 * more than the write itself: under wrk, a bare node:http server with the access recorder
 * spent ~1.3 µs more system CPU per request with 4 KiB batches than without the access log,
 * with 16 or 64 KiB no measurable difference (docs/logging.md).
 */
const BATCH = 64 * 1024;

/** sonic-boom flushes only when minLength > 0; our own batching decides when to write. */
function batching(sync: boolean): { minLength?: number; maxWrite?: number; periodicFlush?: number; contentMode?: 'buffer' } {
  // maxWrite: sonic-boom would otherwise cut each batch into 16 KiB writes. Batches are
  // Buffers (see batchWrites), which sonic-boom takes in its 'buffer' mode.
  return sync ? {} : { minLength: 4096, maxWrite: BATCH * 2, periodicFlush: 200, contentMode: 'buffer' };
}

/**
 * Encodes each line into a 64 KiB Buffer as it comes and hands sonic-boom the Buffer when
 * it is full. Lines gathered as one JS string instead (each line a tree of concatenated
 * pieces) kept ~0.7 MB of heap objects alive per batch: they survived the young
 * generation's collections, each scavenge took ~1 ms instead of ~0.2 ms, and old-space
 * collections tripled; a worker served ~3% fewer requests (docs/logging.md). sonic-boom's
 * flush() and flushSync(), which its periodic timer, pino's exit handler and
 * flushDestination() call, take the gathered bytes first.
 */
function batchWrites(stream: Destination): (text: string) => void {
  // sonic-boom's types only know its default 'utf8' mode.
  const writeBytes = (bytes: Buffer): void => void (stream.write as unknown as (chunk: Buffer) => boolean)(bytes);
  let batch = Buffer.allocUnsafe(BATCH);
  let used = 0;
  const push = (): void => {
    if (used === 0) return;
    const full = batch.subarray(0, used);
    batch = Buffer.allocUnsafe(BATCH);
    used = 0;
    writeBytes(full);
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
  return (text) => {
    // A UTF-16 unit takes at most 3 bytes of UTF-8: write a line only where it fits whole.
    if (text.length * 3 > BATCH - used) {
      push();
      if (text.length * 3 > BATCH) return writeBytes(Buffer.from(text));
    }
    used += batch.write(text, used);
  };
}

function destination(stream: Destination, path: string | null, sync: boolean): FileDestination {
  const write = sync ? (text: string): void => void stream.write(text) : batchWrites(stream);
  return { stream, write, path, reopened: Promise.resolve() };
}

/** A failing disk must not crash the server: sonic-boom's 'error' is reported once. */
function guard(setting: string, stream: Destination): Destination {
  let told = false;
  stream.on('error', (err: Error) => {
    if (told) return;
    told = true;
    process.stderr.write(`gunicorn-ts: ${setting}: write failed: ${err.message}\n`);
  });
  return stream;
}

/**
 * Opens `target` ('-' → `stdFd`) for appending. A file that cannot be opened is a clear
 * Error naming the setting, thrown now rather than emitted later from a stream.
 */
export function openDestination(setting: string, target: string, stdFd: 1 | 2, sync: boolean): FileDestination {
  if (target === '-') return destination(guard(setting, pino.destination({ fd: stdFd, sync, ...batching(sync) })), null, sync);
  let fd: number;
  try {
    fd = openSync(target, 'a');
  } catch (err) {
    throw new Error(`${setting}: cannot open ${target} for appending: ${(err as Error).message}`);
  }
  // Opened here, synchronously, so the stream is ready at once: an asynchronous destination
  // that exits before its own open completed would drop every line (its exit flush throws
  // "not ready"). sonic-boom reopens by `file`, which an fd-built stream lacks: set it.
  const stream = guard(setting, pino.destination({ fd, sync, ...batching(sync) }));
  (stream as unknown as { file: string }).file = target;
  return destination(stream, target, sync);
}

/** Reopens a file destination by name (the old file was moved away); no-op for stdio. */
export function reopenDestination(d: FileDestination): void {
  if (d.path === null) return;
  const stream = d.stream as Destination & { fd: number };
  const oldFd = stream.fd;
  d.reopened = new Promise((resolve) => {
    // An fd-built stream also emits its first 'ready' on the next tick: wait for the new fd.
    const done = (failed?: unknown): void => {
      if (failed === undefined && stream.fd === oldFd) return;
      stream.off('ready', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('ready', done);
    stream.on('error', done);
  });
  // Lines gathered before the signal belong to the file that was moved away: start writing
  // them first (flush() takes what batchWrites gathered; sonic-boom would otherwise hold
  // less than its minLength until after the reopen), then reopen, which sonic-boom defers
  // until that write has completed.
  try {
    d.stream.flush();
  } catch {
    // "not ready yet": the stream was opened this very tick and holds nothing written.
  }
  d.stream.reopen(d.path);
}

/** Writes out whatever an async destination still buffers; safe before 'ready'. */
export function flushDestination(d: FileDestination): void {
  try {
    d.stream.flushSync();
  } catch {
    // "sonic boom is not ready yet": nothing was written, so nothing is buffered on disk's way.
  }
}

/** Flushes and closes; stdout/stderr stay open (sonic-boom never closes fd 1 and 2). */
export async function closeDestination(d: FileDestination): Promise<void> {
  // sonic-boom drops a reopen that was deferred behind an in-flight write once end() has
  // been called, and then never closes: so end only after the reopen has happened.
  await d.reopened;
  return new Promise((resolve) => {
    flushDestination(d);
    d.stream.once('close', () => resolve());
    d.stream.once('error', () => resolve());
    d.stream.end();
  });
}
