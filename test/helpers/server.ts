// Starts the real gunicorn-ts binary for process tests, reads its JSON log lines, and
// always kills it (its whole process group) afterwards, even when a test fails.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = fileURLToPath(new URL('../../src/bin/gunicorn-ts.cjs', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));

export interface LogLine {
  readonly msg?: string;
  readonly level?: string;
  readonly pid?: number;
  readonly [key: string]: unknown;
}

const running = new Set<ChildProcess>();
/** Each server gets its own XDG_RUNTIME_DIR, so the default control sockets of servers run side by side never meet. */
const runtimeDirs: string[] = [];
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
  for (const dir of runtimeDirs) rmSync(dir, { recursive: true, force: true });
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Open-file limit the binary needs: raised in its shell (up to the hard limit) when lower. */
  readonly fdLimit?: number;
}

/** [command, args] that run `node args` with the open-file soft limit raised to `fdLimit` when given. */
export function withFdLimit(args: readonly string[], fdLimit?: number): [string, string[]] {
  if (fdLimit === undefined) return [process.execPath, [...args]];
  // The soft limit is raised in a shell, which then becomes node (exec keeps the pid).
  const script = `[ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt ${fdLimit} ] && { ulimit -Sn ${fdLimit} 2>/dev/null || ulimit -Sn "$(ulimit -Hn)"; }; exec "$0" "$@"`;
  return ['/bin/sh', ['-c', script, process.execPath, ...args]];
}

export class ServerProcess {
  readonly lines: LogLine[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    running.add(child);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.wake();
    });
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          this.lines.push({ msg: line, raw: true });
        }
      }
      this.wake();
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
        this.wake();
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits until `predicate` holds over the output; fails with the output so far after `ms`. */
  async waitFor<T>(what: string, predicate: () => T | undefined | false, ms = 15_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = predicate();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) {
        // The whole output goes to a file: the tail in the message rarely shows the cause.
        const dump = join(tmpdir(), `gunicorn-ts-test-${this.pid}.log`);
        writeFileSync(dump, `stderr:\n${this.stderr}\nstdout:\n${this.stdout}`);
        throw new Error(`timed out waiting for ${what} (full output in ${dump})\nstderr:\n${this.stderr.slice(-4000)}\nstdout:\n${this.stdout.slice(-2000)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForLog(pattern: RegExp, ms?: number): Promise<LogLine> {
    return this.waitFor(`a log line matching ${pattern}`, () => this.lines.find((l) => typeof l.msg === 'string' && pattern.test(l.msg)), ms);
  }

  logCount(pattern: RegExp): number {
    return this.lines.filter((l) => typeof l.msg === 'string' && pattern.test(l.msg)).length;
  }

  /** The URLs from "Listening at:" lines. */
  async listening(count = 1): Promise<string[]> {
    await this.waitFor(`${count} Listening at lines`, () => this.logCount(/^Listening at: /) >= count);
    return this.lines.filter((l) => /^Listening at: /.test(l.msg ?? '')).map((l) => l.msg!.replace(/^Listening at: (\S+).*$/, '$1'));
  }

  /** Pids of the workers that announced themselves booting, in order. */
  bootedPids(): number[] {
    return this.lines.filter((l) => /^Booting worker with pid: /.test(l.msg ?? '')).map((l) => Number(l.msg!.split(': ')[1]));
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kills the arbiter and its workers; safe to call twice. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      killGroup(this.child, 'SIGKILL');
      await this.exited;
    }
  }
}

export function startGunicorn(args: readonly string[], opts: RunOptions = {}): ServerProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // Not needed by tests, and it triples Node's start-up time on this machine.
  if (opts.env?.['NODE_EXTRA_CA_CERTS'] === undefined) delete env['NODE_EXTRA_CA_CERTS'];
  if (opts.env?.['GUNICORN_CMD_ARGS'] === undefined) delete env['GUNICORN_CMD_ARGS'];
  if (opts.env?.['XDG_RUNTIME_DIR'] === undefined) {
    env['XDG_RUNTIME_DIR'] = mkdtempSync(join(tmpdir(), 'gunicorn-ts-run-'));
    runtimeDirs.push(env['XDG_RUNTIME_DIR']);
  }
  const [command, argv] = withFdLimit([BIN, ...args], opts.fdLimit);
  const child = spawn(command, argv, {
    cwd: opts.cwd ?? FIXTURES,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return new ServerProcess(child);
}

/** Runs the binary to completion (for --check-config, --print-config, errors). */
export async function runGunicorn(args: readonly string[], opts: RunOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const server = startGunicorn(args, opts);
  const timer = setTimeout(() => void server.stop(), 30_000);
  const { code } = await server.exited;
  clearTimeout(timer);
  return { code, stdout: server.stdout, stderr: server.stderr };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One GET on a fresh connection: the status and the whole body as text. */
export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Starts one worker serving `appModule` (from `cwd`) on a free port; resolves once it has booted. */
export async function serveApp(appModule: string, cwd: string, args: readonly string[] = []): Promise<{ server: ServerProcess; url: string }> {
  const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', ...args, appModule], { cwd });
  try {
    const [url] = await server.listening();
    await server.waitForLog(/^Booting worker with pid: /, 30_000);
    return { server, url: url! };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
