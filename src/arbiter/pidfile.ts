// The pidfile: written atomically once the sockets are bound, never world-writable, removed
// on exit only if it still names this process. A pidfile naming a live gunicorn-ts is
// refused; a stale one (dead pid, or a pid reused by something else) is replaced.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GunicornError } from '../errors.js';

function readPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when pid is alive and is a gunicorn-ts process (not a reused pid). */
export function isLiveGunicorn(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('gunicorn-ts');
  } catch {
    return false;
  }
}

export class Pidfile {
  constructor(readonly path: string) {}

  /** Refuses when another live gunicorn-ts owns the file; `allowPid` is an old master during USR2. */
  create(pid: number, allowPid?: number): void {
    const existing = readPid(this.path);
    if (existing !== null && existing !== pid && existing !== allowPid && isLiveGunicorn(existing)) {
      throw new GunicornError('GTS_ERR_STARTUP', `pidfile ${this.path} names a running gunicorn-ts (pid ${existing}); is another instance running?`);
    }
    const temporary = join(dirname(this.path), `.${basename(this.path)}.${pid}.tmp`);
    writeFileSync(temporary, `${pid}\n`, { mode: 0o644 });
    renameSync(temporary, this.path);
  }

  /** Removes the file if it still names pid (a new master may have written its own). */
  unlink(pid: number): void {
    if (readPid(this.path) !== pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone: nothing to clean up
    }
  }

  /** USR2: the old master moves its pidfile aside for the new master. */
  renameTo(target: string): Pidfile {
    renameSync(this.path, target);
    return new Pidfile(target);
  }
}
