// -D/--daemon without fork(2): the foreground process starts itself again detached (a new
// session, stdio on /dev/null unless enable_stdio_inheritance) and waits for the daemon to
// report that it serves, or why it could not. It exits 0 only in the first case, so a
// failing daemon is never silent.
import { spawn } from 'node:child_process';
import type { LoadInputs } from '../config/load.js';

export const DAEMON_MARKER = 'GTS_DAEMON';

export type DaemonReport = { readonly type: 'daemon-ready'; readonly pid: number } | { readonly type: 'daemon-failed'; readonly message: string };

export function isDaemonChild(env: NodeJS.ProcessEnv): boolean {
  return env[DAEMON_MARKER] === '1';
}

/** In the daemon: tell the waiting foreground process how startup went, then let it go. */
export function reportToForeground(report: DaemonReport): void {
  if (typeof process.send !== 'function' || !process.connected) return;
  process.send(report, () => {
    if (process.connected) process.disconnect();
  });
}

/** In the foreground process: start the daemon and wait for its report. Returns the exit code. */
export function daemonize(inputs: LoadInputs, inheritStdio: boolean, script: string): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...inputs.argv], {
    cwd: inputs.cwd,
    env: { ...inputs.env, [DAEMON_MARKER]: '1' },
    detached: true,
    stdio: inheritStdio ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: number, message: string, stream: NodeJS.WriteStream): void => {
      if (settled) return;
      settled = true;
      stream.write(message);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    child.on('message', (raw: DaemonReport) => {
      if (raw.type === 'daemon-ready') settle(0, `gunicorn-ts: daemon started (pid ${raw.pid})\n`, process.stdout);
      else settle(1, `gunicorn-ts: error: daemon failed to start: ${raw.message}\n`, process.stderr);
    });
    child.on('exit', (code, signal) => {
      const exited = (): void => settle(1, `gunicorn-ts: error: daemon exited during startup (${signal ?? `code ${code}`})\n`, process.stderr);
      // The daemon's last report may still be unread when its exit is seen: the channel closes after it.
      if (child.connected) child.once('disconnect', exited);
      else exited();
    });
    child.on('error', (err) => settle(1, `gunicorn-ts: error: cannot start daemon: ${err.message}\n`, process.stderr));
  });
}
