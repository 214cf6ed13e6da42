// Opens the files the logs write to, through pino.destination (sonic-boom, no worker
// thread), and reopens them for logrotate. '-' means the process's own stdout/stderr,
// which are never reopened or closed.
import { closeSync, openSync } from 'node:fs';
import pino from 'pino';

export type Destination = ReturnType<typeof pino.destination>;

export interface FileDestination {
  stream: Destination;
  /** null for stdout/stderr. */
  path: string | null;
}

/**
 * Opens `target` ('-' → `stdFd`) for appending. A file that cannot be opened is a clear
 * Error naming the setting, thrown now rather than emitted later from a stream.
 */
export function openDestination(setting: string, target: string, stdFd: 1 | 2, sync: boolean): FileDestination {
  if (target === '-') return { stream: pino.destination({ fd: stdFd, sync }), path: null };
  try {
    closeSync(openSync(target, 'a'));
  } catch (err) {
    throw new Error(`${setting}: cannot open ${target} for appending: ${(err as Error).message}`);
  }
  const stream = pino.destination({ dest: target, sync, append: true, mkdir: false });
  return { stream, path: target };
}

/** Reopens a file destination by name (the old file was moved away); no-op for stdio. */
export function reopenDestination(d: FileDestination): void {
  if (d.path !== null) d.stream.reopen(d.path);
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
export function closeDestination(d: FileDestination): Promise<void> {
  return new Promise((resolve) => {
    flushDestination(d);
    d.stream.once('close', () => resolve());
    d.stream.once('error', () => resolve());
    d.stream.end();
  });
}
