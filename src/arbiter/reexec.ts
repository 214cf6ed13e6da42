// USR2: start a new master from the current binary on the same listening sockets. The old
// master keeps serving until the operator sends it TERM; its pidfile becomes PIDFILE.oldbin
// and gets its name back if the new master dies.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { LoadInputs } from '../config/load.js';
import type { Logger } from '../log/index.js';
import type { Pidfile } from './pidfile.js';
import type { ListeningSocket } from './sockets/index.js';

export const HANDOVER_FDS = 'GTS_FDS';
export const OLD_MASTER = 'GTS_OLD_MASTER';
const FIRST_FD = 3;

export interface ReexecContext {
  readonly inputs: LoadInputs;
  readonly script: string;
  /** The sockets in force now (a reload may have changed them since startup). */
  readonly sockets: () => readonly ListeningSocket[];
  readonly log: Logger;
  readonly pidfile: { current: Pidfile | null };
  readonly preExec: () => Promise<void>;
}

export class Reexec {
  private child: ChildProcess | null = null;

  constructor(private readonly ctx: ReexecContext) {}

  /** A new master is running: the old one must not unlink the Unix sockets it serves on. */
  get handedOver(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    const { ctx } = this;
    if (this.handedOver) {
      ctx.log.warning('USR2 ignored: a new master is already running', { pid: this.child?.pid ?? null });
      return;
    }
    await ctx.preExec();
    const original = ctx.pidfile.current;
    if (original) ctx.pidfile.current = original.renameTo(`${original.path}.oldbin`);
    const sockets = ctx.sockets();
    const env = { ...ctx.inputs.env, [HANDOVER_FDS]: sockets.map((_, i) => FIRST_FD + i).join(','), [OLD_MASTER]: String(process.pid) };
    const child = spawn(process.execPath, [...process.execArgv, ctx.script, ...ctx.inputs.argv], {
      cwd: ctx.inputs.cwd,
      env,
      stdio: ['inherit', 'inherit', 'inherit', ...sockets.map((s) => s.handle as never)],
    });
    this.child = child;
    ctx.log.info(`Re-executing: new master pid ${child.pid ?? '?'}`);
    child.once('exit', (code, signal) => {
      ctx.log.error(`New master (pid ${child.pid ?? '?'}) exited (${signal ?? `code ${code}`}); keeping this one`);
      const moved = ctx.pidfile.current;
      if (original && moved && moved.path !== original.path) ctx.pidfile.current = moved.renameTo(original.path);
    });
    child.once('error', (err) => ctx.log.error(`Cannot start a new master: ${err.message}`));
  }

  /** The old master is leaving: the new one lives on without it. */
  release(): void {
    this.child?.removeAllListeners();
    this.child?.unref();
  }
}

export function handoverFds(env: NodeJS.ProcessEnv): number[] | null {
  const text = env[HANDOVER_FDS];
  if (!text) return null;
  return text.split(',').map((n) => Number.parseInt(n, 10)).filter((n) => Number.isInteger(n) && n >= FIRST_FD);
}
