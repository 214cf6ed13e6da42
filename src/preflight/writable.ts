// Whether the server will be able to create or append to a file, or use a directory, that
// a start needs (log files, the pidfile, the control socket, worker_tmp_dir). Answers with
// the reason it will not, or null; nothing is created or modified.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function kindOf(path: string): 'file' | 'dir' | 'other' | null {
  try {
    const st = statSync(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
  } catch {
    return null;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `path` cannot be opened for writing (or created), else null. `existing` says what an
 * existing path may be: a regular file (logs, pidfile) or a socket left by an earlier run.
 */
export function cannotWriteFile(path: string, cwd: string, existing: 'file' | 'socket' = 'file'): string | null {
  const full = resolve(cwd, path);
  const kind = kindOf(full);
  if (kind === 'dir') return `${full} is a directory`;
  if (kind === 'file' || (kind === 'other' && existing === 'socket')) return writable(full) ? null : `${full} is not writable`;
  if (kind === 'other') return `${full} exists and is not a regular file`;
  return cannotUseDirectory(dirname(full), cwd, 'its directory');
}

/** Why `path` cannot hold new files, else null. */
export function cannotUseDirectory(path: string, cwd: string, what = 'directory'): string | null {
  const full = resolve(cwd, path);
  const kind = kindOf(full);
  if (kind === null) return `${what} ${full} does not exist`;
  if (kind !== 'dir') return `${what} ${full} is not a directory`;
  return writable(full) ? null : `${what} ${full} is not writable`;
}
