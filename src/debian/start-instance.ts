// Starts one instance as a daemon by running `gunicorn-ts --daemon ...` and waiting for its
// foreground process, which exits 0 only once the daemon serves (or 1 with the daemon's
// error). The outcome is one line for the operator.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gunicornArgs, instanceEnv } from './gunicorn-args.js';
import type { Instance } from './instances.js';
import { logfileOf, pidfileOf } from './paths.js';
import type { DebianPaths } from './paths.js';
import { readPidfile, stateOf } from './process-state.js';

export const GUNICORN_BIN = fileURLToPath(new URL('../bin/gunicorn-ts.cjs', import.meta.url));

export interface Outcome {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string;
}

interface Finished {
  readonly code: number | null;
  readonly output: string;
}

export function runForeground(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finished> {
  const child = spawn(process.execPath, [...process.execArgv, GUNICORN_BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  return new Promise((resolve) => {
    const finish = (code: number | null, extra = ''): void => {
      clearTimeout(timer);
      // 'exit', not 'close': with enable_stdio_inheritance the daemon keeps these pipes open.
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code, output: output + extra });
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      finish(null, `no answer from the daemon within ${timeoutMs / 1000} s`);
    }, timeoutMs);
    child.once('exit', (code) => finish(code));
    child.once('error', (err) => finish(null, err.message));
  });
}

/** The lines worth showing from the foreground's output, without our "gunicorn-ts: error:" prefix. */
export function reason(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^gunicorn-ts: (error: )?/, '').trimEnd()).filter((l) => l !== '');
  return lines.slice(-6).join('\n    ') || 'no message';
}

export async function startInstance(instance: Instance, paths: DebianPaths, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Outcome> {
  const pidfile = pidfileOf(paths, instance.name);
  const before = stateOf(pidfile);
  if (before.kind === 'running') return { name: instance.name, ok: true, message: `already running (pid ${before.pid})` };
  const args = gunicornArgs(instance, paths, { daemon: true });
  const result = await runForeground(args, paths.configDir, instanceEnv(env), timeoutMs);
  if (result.code !== 0) {
    return { name: instance.name, ok: false, message: `failed to start (see ${logfileOf(paths, instance.name)}):\n    ${reason(result.output)}` };
  }
  const pid = readPidfile(pidfile);
  return { name: instance.name, ok: true, message: `started (pid ${pid ?? 'unknown'})` };
}
