// The `worker_class` setting: what each name means on Node, the warning for Gunicorn's Python
// class names, and custom classes (`./my-worker.ts:MyWorker`) extending the exported
// BaseWorker. Custom classes are loaded in the worker only, after the app and before listening.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppNotFoundError, AppBootError, describeThrown } from '../app/errors.js';
import { APP_EXTENSIONS } from '../app/resolve-module.js';
import type { WorkerConfig } from '../config/worker-config.js';
import { loadJiti } from '../lazy-jiti.js';

/** Gunicorn's Python worker classes: their concurrency is what Node's event loop gives anyway. */
export const PYTHON_WORKER_CLASSES: readonly string[] = ['gevent', 'eventlet', 'gthread', 'tornado'];

/** The warning the arbiter logs once at startup, or null when the value needs none. */
export function workerClassWarning(value: string): string | null {
  if (!PYTHON_WORKER_CLASSES.includes(value)) return null;
  return `worker_class ${JSON.stringify(value)} is a Python worker class; using "async" (Node's event loop serves connections concurrently)`;
}

/** `MODULE:ExportName` of a custom class, or null for the built-in names. */
export function customWorkerRef(value: unknown): { module: string; name: string } | null {
  if (typeof value !== 'string') return null;
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || colon === value.length - 1) return null;
  return { module: value.slice(0, colon), name: value.slice(colon + 1) };
}

/** What a worker class instance is told about its worker. */
export interface WorkerInfo {
  readonly id: number;
  readonly generation: number;
  /** The effective settings, as the arbiter resolved them (hooks left out). */
  readonly settings: WorkerConfig;
}

/**
 * The base of custom worker classes (`worker_class = './my-worker.ts:MyWorker'`). One instance
 * per worker process. Override any member; the defaults behave exactly like `async`.
 */
export class BaseWorker {
  /** jiti may load a second copy of this module for the custom class's own import, so a marker replaces instanceof. */
  static readonly isGunicornTsWorker = true;

  constructor(readonly info: WorkerInfo) {}

  /** Connections served at once; 1 makes the worker serve one request at a time like `sync`. */
  get maxConnections(): number {
    return Math.max(1, this.info.settings.worker_connections);
  }

  /** Runs once after the app is loaded, before the worker accepts connections. */
  async init(): Promise<void> {
    // Nothing by default.
  }

  /**
   * Serves one request: call `next()` to run the app (it returns what the app returned, a
   * promise for async handlers). Errors thrown or rejected here become a 500 like the app's own.
   */
  handle(_req: IncomingMessage, _res: ServerResponse, next: () => unknown): unknown {
    return next();
  }
}

type WorkerClass = new (info: WorkerInfo) => BaseWorker;

function isWorkerClass(value: unknown): value is WorkerClass {
  return typeof value === 'function' && (value as { isGunicornTsWorker?: unknown }).isGunicornTsWorker === true;
}

/**
 * Loads the custom class named by `worker_class` without instantiating it, or returns null
 * for the built-in classes. A missing module or export fails like a missing app (exit 4), a
 * module that throws like an app that fails to boot (exit 3). The arbiter's preflight calls
 * this too, so a bad class stops the start before anything is bound.
 */
export async function loadWorkerClass(value: unknown, cwd: string): Promise<{ readonly cls: WorkerClass; readonly ref: string } | null> {
  const ref = customWorkerRef(value);
  if (ref === null) return null;
  const file = isAbsolute(ref.module) ? ref.module : resolve(cwd, ref.module);
  const found = ['', ...APP_EXTENSIONS].map((ext) => file + ext).find((f) => existsSync(f));
  if (found === undefined) throw new AppNotFoundError(`worker_class: cannot find module ${JSON.stringify(ref.module)} (looked in ${cwd})`);
  const jiti = (await loadJiti())(pathToFileURL(`${cwd}/`).href, { moduleCache: false });
  let mod: Record<string, unknown>;
  try {
    mod = await jiti.import<Record<string, unknown>>(found);
  } catch (err) {
    throw new AppBootError(`worker_class: module ${JSON.stringify(ref.module)} failed to load: ${describeThrown(err)}`, { cause: err });
  }
  const cls = mod[ref.name];
  if (!isWorkerClass(cls)) {
    const what = cls === undefined ? `has no export named ${ref.name}` : `export ${ref.name} is not a class extending BaseWorker from gunicorn-ts`;
    throw new AppNotFoundError(`worker_class: ${ref.module} ${what}`);
  }
  return { cls, ref: `${ref.module}:${ref.name}` };
}

/** Loads and instantiates the custom class (in the worker, after the app and before listening). */
export async function loadCustomWorker(value: unknown, info: WorkerInfo, cwd: string): Promise<BaseWorker | null> {
  const loaded = await loadWorkerClass(value, cwd);
  if (loaded === null) return null;
  try {
    const worker = new loaded.cls(info);
    await worker.init();
    return worker;
  } catch (err) {
    throw new AppBootError(`worker_class: ${loaded.ref} failed to start: ${describeThrown(err)}`, { cause: err });
  }
}

/** The app's listener, routed through the custom class's handle() when there is one. */
export function withCustomWorker(custom: BaseWorker | null, app: RequestListener): RequestListener {
  if (custom === null) return app;
  // serveRequest() turns a throw or a rejected promise returned here into a 500.
  return (req, res) => custom.handle(req, res, () => app(req, res)) as void;
}
