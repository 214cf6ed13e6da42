// Helpers for gunicorn-ts-debian process tests: run the command to completion, send HTTP
// over a unix socket, list a master's workers, and kill every instance a test started.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEBIAN_BIN = fileURLToPath(new URL('../../src/bin/gunicorn-ts-debian.js', import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs gunicorn-ts-debian with a timeout that kills it (the daemons it starts live on). */
export function runDebian(args: readonly string[], cwd: string): Promise<Finished> {
  const env = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  delete env['GUNICORN_CMD_ARGS'];
  return new Promise((resolve) => {
    execFile(process.execPath, [DEBIAN_BIN, ...args], { cwd, env, timeout: 90_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

export function getViaSocket(socketPath: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Pids whose parent is `pid` (a master's workers), from /proc. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state, ppid, ...
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children.sort((a, b) => a - b);
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGKILLs the process group of every pid in runDir's pidfiles and of `extra` pids. */
export function killInstances(runDir: string, extra: Iterable<number>): void {
  const pids = new Set(extra);
  try {
    for (const f of readdirSync(runDir)) if (f.endsWith('.pid')) pids.add(readPid(join(runDir, f)) ?? 0);
  } catch {
    // no run dir: nothing was started
  }
  for (const pid of pids) {
    if (pid <= 0) continue;
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export async function waitUntil<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
