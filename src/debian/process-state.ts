// What an instance's pidfile says about it: running (a live gunicorn-ts has that pid),
// stopped (no pidfile), or stale (the pid is gone or now belongs to another program);
// and waiting, bounded, for a master we do not parent to exit.
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { isLiveGunicorn } from '../arbiter/pidfile.js';

export type InstanceState =
  | { readonly kind: 'running'; readonly pid: number }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'stale'; readonly pid: number | null };

export function readPidfile(path: string): number | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export function stateOf(pidfile: string): InstanceState {
  const pid = readPidfile(pidfile);
  if (pid === undefined) return { kind: 'stopped' };
  if (pid !== null && isLiveGunicorn(pid)) return { kind: 'running', pid };
  return { kind: 'stale', pid };
}

export function describeState(state: InstanceState): string {
  switch (state.kind) {
    case 'running':
      return `running (pid ${state.pid})`;
    case 'stopped':
      return 'stopped';
    case 'stale':
      return state.pid === null ? 'stopped (unreadable pidfile)' : `stopped (stale pidfile: pid ${state.pid} is not running)`;
  }
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Instance names that have a pidfile in runDir (to stop or report instances whose file was removed). */
export function pidfileNames(runDir: string): string[] {
  try {
    return readdirSync(runDir).filter((f) => f.endsWith('.pid') && !f.startsWith('.')).map((f) => f.slice(0, -'.pid'.length));
  } catch {
    return [];
  }
}

/**
 * Polls until pid is no longer a live gunicorn-ts, up to timeoutMs. The master is not our
 * child, so there is no exit event; a zombie counts as gone (isLiveGunicorn reads an empty
 * /proc/PID/cmdline for it).
 */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isLiveGunicorn(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}
