// The settings the worker process acts on, read once from the arbiter's init message into
// a typed view. The arbiter validated every value already; this module only narrows JSON
// to TypeScript types and applies Gunicorn's defaults when a key is absent.
import type { JsonValue } from '../ipc/messages.js';

export type WorkerClass = 'async' | 'sync';

export interface WorkerSettings {
  readonly app: string | null;
  readonly chdir: string | null;
  /** Extra module search directories (`pythonpath`, comma-separated), resolved later against chdir. */
  readonly pythonpath: readonly string[];
  /** `KEY=VALUE` pairs from `raw_env`. */
  readonly rawEnv: readonly string[];
  /** Seconds; 0 closes every connection after its response. */
  readonly keepalive: number;
  readonly gracefulTimeout: number;
  readonly timeout: number;
  readonly workerConnections: number;
  readonly workerClass: WorkerClass;
  readonly warmupRequests: number;
  readonly procName: string | null;
  /** listen() on an already listening socket resets its backlog, so the worker passes it again. */
  readonly backlog: number;
  /** Everything, as received, for hooks (`worker.cfg`) and the HTTP edge. */
  readonly all: Readonly<Record<string, JsonValue>>;
}

function num(all: Readonly<Record<string, JsonValue>>, key: string, fallback: number): number {
  const v = all[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function str(all: Readonly<Record<string, JsonValue>>, key: string): string | null {
  const v = all[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

function list(value: JsonValue | undefined): string[] {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** `raw_env` is a list of KEY=VALUE strings; an object map is accepted too. */
function rawEnv(value: JsonValue | undefined): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).map(([k, v]) => `${k}=${String(v)}`);
  }
  return list(Array.isArray(value) ? value : value === undefined || value === null ? undefined : [value]);
}

export function readWorkerSettings(all: Readonly<Record<string, JsonValue>>): WorkerSettings {
  return {
    app: str(all, 'app'),
    chdir: str(all, 'chdir'),
    pythonpath: list(all['pythonpath']),
    rawEnv: rawEnv(all['raw_env']),
    keepalive: num(all, 'keepalive', 2),
    gracefulTimeout: num(all, 'graceful_timeout', 30),
    timeout: num(all, 'timeout', 30),
    workerConnections: Math.max(1, num(all, 'worker_connections', 1000)),
    backlog: num(all, 'backlog', 2048),
    // Custom classes and Gunicorn's Python class names are mapped by the arbiter; only sync differs
    // here, and threads > 1 turns sync into async as Gunicorn turns it into gthread.
    workerClass: all['worker_class'] === 'sync' && num(all, 'threads', 1) <= 1 ? 'sync' : 'async',
    warmupRequests: Math.max(0, num(all, 'warmup_requests', 0)),
    // The same name the master's title shows: proc_name, else the app, else the default.
    procName: str(all, 'proc_name') ?? str(all, 'app') ?? str(all, 'default_proc_name'),
    all,
  };
}

/** Sets `raw_env` variables and enters `chdir`, both before the app is loaded. */
export function applyEnvironment(settings: WorkerSettings): void {
  for (const pair of settings.rawEnv) {
    const eq = pair.indexOf('=');
    if (eq > 0) process.env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (settings.chdir !== null) process.chdir(settings.chdir);
}
