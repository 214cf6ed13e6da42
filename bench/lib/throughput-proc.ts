// Process helpers for bench/throughput: spawn a server in its own process group without
// NODE_EXTRA_CA_CERTS, time launch → first 200, read resident memory and child pids from /proc,
// and kill what was started by process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';

/** The environment every measured process gets: the CA variable triples Node's start-up here. */
export function benchEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env['NODE_EXTRA_CA_CERTS'];
  delete env['GUNICORN_CMD_ARGS'];
  return env;
}

const started = new Set<ChildProcess>();
process.once('exit', () => { for (const child of started) killGroup(child); });

export function killGroup(child: ChildProcess): void {
  started.delete(child);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Starts a server in its own process group; its output is dropped unless `stdout: 'pipe'`. */
export function launch(cmd: string, args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; stdout?: 'pipe' | 'ignore' }): ChildProcess {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? benchEnv(), stdio: ['ignore', opts.stdout ?? 'ignore', 'ignore'], detached: true });
  started.add(child);
  return child;
}

function status200(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => { req.destroy(); resolve(false); });
  });
}

/** Milliseconds from `since` (performance.now()) until `url` answers 200, polling every 5 ms. */
export async function msUntil200(url: string, since: number, limitMs = 30_000): Promise<number> {
  while (performance.now() - since < limitMs) {
    if (await status200(url)) return performance.now() - since;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} did not answer 200 within ${limitMs} ms`);
}

/** VmRSS in MB, or NaN when the process is gone. */
export function rssMb(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** utime + stime of the processes, in seconds (clock ticks of 1/100 s on Linux). */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}
