// Helpers for the replacement process tests: a bounded keep-alive load client on 127.0.0.1
// that records every failure and which pid served each response, and a replay of the
// arbiter's JSON log lines that tells how many workers accepted connections at each step.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import type { LogLine, ServerProcess } from '../helpers/server.js';

export interface Served { readonly pid: number; readonly body: Record<string, unknown> }

/** `concurrency` loops on one keep-alive Agent until stop(), `maxRequests` or `maxMs`. */
export class LoadClient {
  readonly errors: string[] = [];
  readonly pids = new Map<number, number>();
  ok = 0;
  readonly #agent: Agent;
  #stopped = false;
  #loops: Promise<void>[] = [];
  readonly #deadline: number;

  /** `socketPath`: send to this Unix socket (the URL then only gives the path and Host). */
  constructor(private readonly url: string, private readonly opts: { concurrency?: number; maxRequests?: number; maxMs?: number; socketPath?: string; onServed?: (s: Served) => void } = {}) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 8 });
    this.#deadline = Date.now() + (opts.maxMs ?? 60_000);
  }

  get total(): number { return this.ok + this.errors.length; }

  start(): this {
    this.#loops = Array.from({ length: this.opts.concurrency ?? 8 }, () => this.#loop());
    return this;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#loops);
    this.#agent.destroy();
  }

  async #loop(): Promise<void> {
    while (!this.#stopped && this.total < (this.opts.maxRequests ?? 50_000) && Date.now() < this.#deadline) {
      try {
        const served = await this.#get();
        this.ok++;
        this.pids.set(served.pid, (this.pids.get(served.pid) ?? 0) + 1);
        this.opts.onServed?.(served);
      } catch (err) {
        this.errors.push((err as Error).message);
      }
    }
  }

  #get(): Promise<Served> {
    return new Promise((resolve, reject) => {
      // Bounded: a request that never gets an answer is a failure, not a hung test.
      const where = this.opts.socketPath === undefined ? {} : { socketPath: this.opts.socketPath };
      const req = request(this.url, { agent: this.#agent, timeout: 15_000, ...where }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => { text += d; });
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}: ${text}`));
          try {
            const body = JSON.parse(text) as Record<string, unknown>;
            const inner = (body['res'] ?? body) as Record<string, unknown>;
            resolve({ pid: Number(inner['pid']), body });
          } catch (err) {
            reject(err as Error);
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('no response within 15 s')));
      req.on('error', reject).end();
    });
  }
}

const ACCEPTING = new Set(['warming', 'ready', 'tired']);

/** The arbiter's own policy lines (they carry a worker id and its state), in order. */
export function policyLines(server: ServerProcess): LogLine[] {
  return server.lines.filter((l) => l.pid === server.pid && typeof l['worker'] === 'number' && typeof l['state'] === 'string');
}

/**
 * Replays the policy lines: the number of accepting workers (warming, ready, tired) after
 * each line, counting from the first moment `target` workers accepted. Returns the minimum
 * seen and the worker pids the log says accept at the end.
 */
export function acceptingTimeline(server: ServerProcess, target: number): { min: number; reached: boolean; accepting: number[] } {
  const states = new Map<number, { state: string; pid: number }>();
  let reached = false;
  let min = Infinity;
  for (const line of policyLines(server)) {
    const id = line['worker'] as number;
    if (line.msg === 'worker exited' || line.msg === 'worker died') states.delete(id);
    else states.set(id, { state: line['state'] as string, pid: line['worker_pid'] as number });
    const n = [...states.values()].filter((w) => ACCEPTING.has(w.state)).length;
    if (n >= target) reached = true;
    if (reached) min = Math.min(min, n);
  }
  const accepting = [...states.values()].filter((w) => ACCEPTING.has(w.state)).map((w) => w.pid);
  return { min, reached, accepting };
}

/** Live (not zombie) process: what /proc says, independent of the arbiter's log. */
export function procAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/**
 * Every `everyMs`, checks that the workers the log says accept are alive in /proc, and
 * records the smallest number alive (from the first sample where `target` were).
 */
export function sampleAccepting(server: ServerProcess, target: number, everyMs = 20): { stop(): { min: number; samples: number } } {
  let min = Infinity;
  let samples = 0;
  let reached = false;
  const timer = setInterval(() => {
    const { accepting } = acceptingTimeline(server, target);
    const alive = accepting.filter(procAlive).length;
    if (alive >= target) reached = true;
    if (reached) {
      samples++;
      min = Math.min(min, alive);
    }
  }, everyMs);
  return { stop: () => { clearInterval(timer); return { min, samples }; } };
}

export function countLines(server: ServerProcess, msg: string, where: (l: LogLine) => boolean = () => true): number {
  return policyLines(server).filter((l) => l.msg === msg && where(l)).length;
}

/** Arbiter lines at warning level or worse (a planned replacement must produce none). */
export function arbiterWarnings(server: ServerProcess): LogLine[] {
  return server.lines.filter((l) => l.pid === server.pid && (l.level === 'warning' || l.level === 'warn' || l.level === 'error' || l.level === 'critical'));
}
