// Running as PID 1 (a container without an init): orphaned processes are reparented to PID 1,
// and only a parent can reap a zombie. Node cannot: libuv waits for each child it spawned by
// pid (waitpid(pid), never waitpid(-1)) and Node exposes neither waitpid nor prctl. So PID 1
// is handed to tini, which reaps every orphan and forwards every signal to gunicorn-ts.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, join } from 'node:path';

/** The signals an operator or orchestrator sends the arbiter; each reaches it unchanged. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGTTIN', 'SIGTTOU', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

const INIT_NAMES = ['tini', 'docker-init'];

/** tini on PATH (Debian and Alpine install it as `tini`; Docker's `--init` binary is `docker-init`). */
export function findInit(env: NodeJS.ProcessEnv): string | null {
  const dirs = (env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const name of INIT_NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export const NO_INIT_WARNING = 'gunicorn-ts: warning: running as PID 1 without an init: orphaned processes the app leaves behind will stay zombies. Install tini (apt-get install tini, apk add tini) and gunicorn-ts hands PID 1 to it, or run the container with `docker run --init`; see docs/deploy.md.\n';

type ExecVe = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

// @types/node 20 does not know process.execve (Node >= 22.15 and 23.11 have it).
function hasExecve(proc: object): proc is { execve: ExecVe } {
  return typeof Reflect.get(proc, 'execve') === 'function';
}

/**
 * Makes tini PID 1 with this same command as its child. Node >= 22.15 replaces this process
 * with tini (process.execve), so nothing of ours stays in between. Older Node spawns
 * `tini -s` (a subreaper: orphans below it are reparented to it) and relays signals to it;
 * tini relays them to gunicorn-ts. Resolves with the exit status to exit with.
 */
export function runUnderInit(init: string, command: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (hasExecve(process)) process.execve(init, [init, '--', ...command], env);
  const child = spawn(init, ['-s', '--', ...command], { stdio: 'inherit', env });
  for (const signal of FORWARDED_SIGNALS) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : osConstants.signals[signal])));
  });
}
