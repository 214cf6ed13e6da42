// Shared pieces of the arbiter process tests: HTTP over TCP or a Unix socket, the live
// children of a process read from /proc, polling until a condition holds, and killing every
// pid a test started (servers, daemons, new masters) in `after`.
import http from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAlive, startGunicorn } from '../helpers/server.js';
import type { RunOptions, ServerProcess } from '../helpers/server.js';

export const ARBITER_FIXTURES = fileURLToPath(new URL('../../../test/fixtures/arbiter/', import.meta.url));
export const APP = `${ARBITER_FIXTURES}app.ts:app`;
export const HOOKS_CONF = `${ARBITER_FIXTURES}hooks.conf.mjs`;

export interface Reply {
  readonly status: number;
  readonly body: string;
}

/** GET `path` on a new connection; `url` is `http://h:p` or `unix:/path` (as in "Listening at:"). */
export function get(url: string, path = '/'): Promise<Reply> {
  const to = url.startsWith('unix:') ? { socketPath: url.slice(5) } : { host: new URL(url).hostname.replace(/^\[|\]$/g, ''), port: Number(new URL(url).port) };
  return new Promise((resolve, reject) => {
    const req = http.get({ ...to, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`GET ${path} timed out`)));
  });
}

/** The pid in a body written by the fixture app (`pid=N`). */
export function servedBy(reply: Reply): number {
  const match = /pid=(\d+)/.exec(reply.body);
  if (!match) throw new Error(`no pid in ${JSON.stringify(reply.body)}`);
  return Number(match[1]);
}

/** Live child pids of `pid`, from /proc (workers of an arbiter). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text !== '') out.push(...text.split(/\s+/).map(Number));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out.filter((child) => processTitle(child).startsWith('gunicorn-ts: worker'));
}

/** What `ps` shows for pid (process.title), '' when it is gone. */
export function processTitle(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Fields 4 (ppid) and 6 (session) of /proc/PID/stat. */
export function statOf(pid: number): { ppid: number; session: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), session: Number(fields[3]) };
}

/** Polls `check` every 50 ms until it returns something truthy; fails naming `what` after `ms`. */
export async function waitUntil<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for exactly `count` booted workers under the arbiter and returns their pids. */
export function workersOf(arbiterPid: number, count: number, ms?: number): Promise<number[]> {
  return waitUntil(`${count} workers under ${arbiterPid}`, () => {
    const pids = childPids(arbiterPid);
    return pids.length === count ? pids.sort((a, b) => a - b) : undefined;
  }, ms);
}

/** Servers and stray pids (daemons, new masters) a test file started; all killed by cleanup(). */
export class Tracked {
  private readonly servers: ServerProcess[] = [];
  private readonly pids = new Set<number>();

  start(args: readonly string[], opts?: RunOptions): ServerProcess {
    const server = startGunicorn(args, opts);
    this.servers.push(server);
    return server;
  }

  /** A process outside a tracked group (a daemon, a re-exec'd master): killed with its workers. */
  pid(pid: number): void {
    this.pids.add(pid);
  }

  async cleanup(): Promise<void> {
    stopLoads();
    for (const pid of this.pids) {
      const workers = childPids(pid);
      for (const p of [pid, ...workers]) if (isAlive(p)) tryKill(p);
    }
    for (const server of this.servers) await server.stop();
  }
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const loads = new Set<() => void>();

/** Ends every steadyLoad a failed test left running (else the test process never exits). */
export function stopLoads(): void {
  for (const end of loads) end();
}

/** Sends GET / in a loop until stop() and counts failures: "requests keep succeeding". */
export function steadyLoad(url: string): { stop: () => Promise<{ ok: number; failed: string[]; pids: Set<number> }> } {
  let running = true;
  const end = (): void => {
    running = false;
  };
  loads.add(end);
  const result = { ok: 0, failed: [] as string[], pids: new Set<number>() };
  const loop = (async (): Promise<void> => {
    while (running) {
      try {
        const reply = await get(url);
        if (reply.status === 200) {
          result.ok++;
          result.pids.add(servedBy(reply));
        } else result.failed.push(`status ${reply.status}`);
      } catch (err) {
        result.failed.push((err as Error).message);
      }
    }
  })();
  return {
    stop: async () => {
      end();
      loads.delete(end);
      await loop;
      return result;
    },
  };
}

/** A file's text, '' while it does not exist. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** A line of $GTS_HOOK_LOG, written by test/fixtures/arbiter/hooks.conf.mjs. */
export interface HookLine {
  readonly hook: string;
  readonly pid: number;
  readonly worker?: { id: number; pid: number; generation: number };
  readonly [key: string]: unknown;
}

export function hookLines(path: string): HookLine[] {
  return readText(path).split('\n').filter(Boolean).map((l) => JSON.parse(l) as HookLine);
}
