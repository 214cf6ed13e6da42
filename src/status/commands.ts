// The control commands, as Gunicorn 26's gunicornc knows them: show all|workers|stats|config|
// listeners, worker add|remove [N], worker kill PID, reload, reopen, shutdown [graceful|quick],
// help. Each answers with a JSON-safe value; reload, reopen and shutdown send the master the
// signal that means the same, so they take exactly the path `kill -HUP` and friends take.
import type { PolicyState } from '../arbiter/policy/index.js';
import { statusReport, type MasterInfo } from './report.js';
import { CpuSampler } from './cpu.js';

export interface ListenerInfo {
  readonly address: string;
  readonly type: 'tcp' | 'tcp6' | 'unix';
  readonly fd: number | null;
}

/** What the commands need from the arbiter; run.ts builds it, so this module knows no Arbiter. */
export interface ControlTarget {
  /** null until the arbiter runs. */
  state(): PolicyState | null;
  /** Asks every worker for its counts now, so `show workers` is not one heartbeat behind. */
  refresh(): Promise<void>;
  /** TTIN / TTOU, one step each. */
  scale(event: 'increase-workers' | 'decrease-workers'): void;
  /** The effective settings (functions shown by name). */
  config(): Readonly<Record<string, unknown>>;
  listeners(): readonly ListenerInfo[];
  /** Sends the master a signal, as an operator's `kill` would. */
  signalMaster(signal: NodeJS.Signals): void;
  /** Sends a worker a signal; false when `pid` is not one of ours. */
  signalWorker(pid: number, signal: NodeJS.Signals): boolean;
  /** The NODE_APP_INSTANCE slot of the worker with this id (null: it holds none). */
  instance(id: number): number | null;
}

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  'show all': 'the arbiter, its workers and its listeners',
  'show workers': 'the workers: pid, NODE_APP_INSTANCE, state, age, requests, memory, CPU, last heartbeat',
  'show stats': 'uptime, worker counts, workers spawned and lost, reloads',
  'show config': 'the effective configuration',
  'show listeners': 'the bound sockets',
  'worker add [N]': 'add N workers (default 1), as N x SIGTTIN',
  'worker remove [N]': 'remove N workers (default 1, never below 1), as N x SIGTTOU',
  'worker kill PID': 'stop one worker gracefully (SIGTERM); it is replaced',
  reload: 'reload the configuration and replace the workers (SIGHUP)',
  reopen: 'reopen the log files (SIGUSR1)',
  'shutdown [graceful|quick]': 'stop the server: graceful (SIGTERM, the default) or quick (SIGINT)',
  help: 'this list',
};

function count(arg: string | undefined, command: string): number {
  if (arg === undefined) return 1;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${command}: expected a whole number of workers >= 1, got ${JSON.stringify(arg)}`);
  return n;
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

export class ControlCommands {
  private readonly cpu = new CpuSampler();

  constructor(private readonly target: ControlTarget, private readonly master: MasterInfo, private readonly now = Date.now) {}

  async run(command: string, args: readonly string[]): Promise<unknown> {
    const words = [...command.trim().split(/\s+/), ...args].filter((w) => w !== '');
    const [verb = '', sub, arg, ...extra] = words.map((w, i) => (i < 2 ? w.toLowerCase() : w));
    const tooMany = (n: number): void => {
      if (words.length > n) throw new Error(`${words.slice(0, n).join(' ')}: unexpected ${JSON.stringify(words.slice(n).join(' '))}`);
    };
    switch (verb) {
      case 'help':
        return { commands: COMMAND_HELP };
      case 'show':
        tooMany(2);
        return this.show(sub);
      case 'worker':
        if (extra.length > 0) tooMany(3);
        return this.worker(sub, arg);
      case 'reload':
        tooMany(1);
        return this.signal('SIGHUP', { status: 'reloading' });
      case 'reopen':
        tooMany(1);
        return this.signal('SIGUSR1', { status: 'reopening' });
      case 'shutdown': {
        tooMany(2);
        const mode = sub ?? 'graceful';
        if (mode !== 'graceful' && mode !== 'quick') throw new Error(`shutdown: expected graceful or quick, got ${JSON.stringify(mode)}`);
        return this.signal(mode === 'graceful' ? 'SIGTERM' : 'SIGINT', { status: 'shutting down', mode });
      }
      default:
        throw new Error(`unknown command ${JSON.stringify(words.join(' '))}: try help`);
    }
  }

  private state(): PolicyState {
    const state = this.target.state();
    if (state === null) throw new Error('the master is still starting');
    return state;
  }

  private async workers(): Promise<ReturnType<typeof statusReport>> {
    await this.target.refresh();
    const state = this.state();
    const report = statusReport(state, this.master, this.now(), {
      cpu: (pid) => this.cpu.percent(pid, this.now()), instance: (id) => this.target.instance(id),
    });
    this.cpu.keepOnly(new Set(state.workers.flatMap((w) => (w.pid === null ? [] : [w.pid]))));
    return report;
  }

  private async show(what: string | undefined): Promise<unknown> {
    switch (what) {
      case 'workers': {
        const report = await this.workers();
        return { ...report, count: report.workers.length };
      }
      case 'all': {
        const report = await this.workers();
        return { arbiter: report.master, web_workers: report.workers, web_worker_count: report.workers.length, listeners: this.target.listeners() };
      }
      case 'stats':
        return this.stats();
      case 'config':
        return jsonSafe(this.target.config());
      case 'listeners': {
        const listeners = this.target.listeners();
        return { listeners, count: listeners.length };
      }
      default:
        throw new Error(`show: expected all, workers, stats, config or listeners${what === undefined ? '' : `, got ${JSON.stringify(what)}`}`);
    }
  }

  private stats(): unknown {
    const state = this.state();
    const { counts } = state;
    return {
      uptime: Math.round((this.now() - this.master.startedAt) / 10) / 100,
      pid: this.master.pid,
      generation: state.generation,
      workers_current: state.workers.filter((w) => w.state !== 'draining' && w.state !== 'killing').length,
      workers_target: state.params.workers,
      workers_spawned: counts.spawned,
      workers_killed: counts.died,
      reloads: counts.reloads,
    };
  }

  private worker(action: string | undefined, arg: string | undefined): unknown {
    switch (action) {
      case 'add':
      case 'remove': {
        const n = count(arg, `worker ${action}`);
        const previous = this.state().params.workers;
        for (let i = 0; i < n; i++) this.target.scale(action === 'add' ? 'increase-workers' : 'decrease-workers');
        const total = this.state().params.workers;
        return action === 'add' ? { added: total - previous, previous, total } : { removed: previous - total, previous, total };
      }
      case 'kill': {
        const pid = Number(arg);
        if (arg === undefined || !Number.isInteger(pid) || pid <= 0) throw new Error(`worker kill: expected a worker pid, got ${JSON.stringify(arg ?? '')}`);
        if (!this.target.signalWorker(pid, 'SIGTERM')) return { success: false, error: `Worker ${pid} not found` };
        return { success: true, killed: pid };
      }
      default:
        throw new Error(`worker: expected add [N], remove [N] or kill PID${action === undefined ? '' : `, got ${JSON.stringify(action)}`}`);
    }
  }

  /** The answer goes out first; the signal follows on the next turn of the event loop. */
  private signal<T>(signal: NodeJS.Signals, answer: T): T {
    setImmediate(() => this.target.signalMaster(signal));
    return answer;
  }
}
