// Opens the files the logs write to, through pino.destination (sonic-boom, no worker
// thread), and reopens them for logrotate. '-' means the process's own stdout/stderr,
// which are never reopened or closed.
import { openSync } from 'node:fs';
import pino from 'pino';
import { BATCH, batchLines, type LineBatch } from './line-batch.js';

export type Destination = ReturnType<typeof pino.destination>;

export interface FileDestination {
  stream: Destination;
  /** Writes text; an asynchronous destination gathers it into batches (line-batch.ts). */
  write: (text: string) => void;
  /** null for stdout/stderr. */
  path: string | null;
  /** Settles when the last reopen() has opened the new file (see closeDestination). */
  reopened: Promise<void>;
}

/** An asynchronous destination, written in batches (line-batch.ts). */
export interface BatchDestination extends FileDestination, LineBatch {}

/** sonic-boom flushes only when minLength > 0; our own batching decides when to write. */
function batching(sync: boolean): { minLength?: number; maxWrite?: number; periodicFlush?: number; contentMode?: 'buffer' } {
  // maxWrite: sonic-boom would otherwise cut each batch into 16 KiB writes. Batches are
  // Buffers (line-batch.ts), which sonic-boom takes in its 'buffer' mode.
  return sync ? {} : { minLength: 4096, maxWrite: BATCH * 2, periodicFlush: 200, contentMode: 'buffer' };
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
 * Opens `target` ('-' → `stdFd`) for appending, written synchronously (the error log). A
 * file that cannot be opened is a clear Error naming the setting, thrown now rather than
 * emitted later from a stream.
 */
export function openDestination(setting: string, target: string, stdFd: 1 | 2): FileDestination {
  const { stream, path } = openStream(setting, target, stdFd, true);
  return { stream, write: (text) => void stream.write(text), path, reopened: Promise.resolve() };
}

/** Opens `target` as openDestination() does, written asynchronously in batches (the access log). */
export function openBatchDestination(setting: string, target: string, stdFd: 1 | 2): BatchDestination {
  const { stream, path } = openStream(setting, target, stdFd, false);
  const { write, put } = batchLines(stream);
  return { stream, write, put, path, reopened: Promise.resolve() };
}

// The descriptor is given as `dest`, not `fd` (sonic-boom takes either): pino.destination()
// reads process.stdout.fd when `dest` is missing, and that makes Node build the stdout stream
// (a socket over the pipe the arbiter gave) in every process, ~0.3 ms for nothing.
function openStream(setting: string, target: string, stdFd: 1 | 2, sync: boolean): { stream: Destination; path: string | null } {
  if (target === '-') return { stream: guard(setting, pino.destination({ dest: stdFd, sync, ...batching(sync) })), path: null };
  let fd: number;
  try {
    fd = openSync(target, 'a');
  } catch (err) {
    throw new Error(`${setting}: cannot open ${target} for appending: ${(err as Error).message}`);
  }
  // Opened here, synchronously, so the stream is ready at once: an asynchronous destination
  // that exits before its own open completed would drop every line (its exit flush throws
  // "not ready"). sonic-boom reopens by `file`, which an fd-built stream lacks: set it.
  const stream = guard(setting, pino.destination({ dest: fd, sync, ...batching(sync) }));
  Reflect.set(stream, 'file', target);
  return { stream, path: target };
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
  // them first (flush() takes what line-batch.ts gathered; sonic-boom would otherwise hold
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
    d.stream.once('close', () => resolve());
    d.stream.once('error', () => resolve());
    if ('put' in d) {
      // Asynchronous: a write may still be in flight in libuv's pool, and flushSync() would
      // write what is queued behind it first, so the file's lines would come out of order.
      // flush() hands line-batch's last batch to the queue; end() writes the queue after
      // the write in flight, in order, then closes.
      d.stream.flush();
    } else {
      flushDestination(d);
    }
    d.stream.end();
  });
}
