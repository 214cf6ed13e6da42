// Embedding (Gunicorn's "Custom Application"): a program subclasses BaseApplication and calls
// run(). Workers are separate processes, so neither an app object nor hook functions can be
// handed to them; instead each worker imports the program's own script again, where run()
// sees it is inside a worker and registers its app and its settings (hooks included) here.
import { pathToFileURL } from 'node:url';
import { camelToSnake } from '../config/sources/config-file.js';

export const EMBEDDED_PREFIX = 'embedded:';
const WORKER_MARK = 'GTS_EMBEDDED_WORKER';

let deliver: ((app: unknown) => void) | undefined;
let settings: ReadonlyMap<string, unknown> = new Map();

export function isEmbeddedWorker(): boolean {
  return process.env[WORKER_MARK] === '1';
}

/** Called by BaseApplication.run() inside a worker: its app, and its settings by snake_case name. */
export function registerEmbeddedApp(app: unknown, values: ReadonlyMap<string, unknown>): void {
  if (deliver === undefined) throw new Error('registerEmbeddedApp() called outside a gunicorn-ts worker');
  settings = values;
  deliver(app);
}

/** What the embedding program's loadConfig() returned in this worker (its worker hooks among them). */
export function embeddedSettings(): ReadonlyMap<string, unknown> {
  return settings;
}

/** loadConfig()'s object by snake_case name (camelCase spellings are accepted, as in config files). */
export function settingsByName(config: object): Map<string, unknown> {
  return new Map(Object.entries(config).map(([k, v]) => [camelToSnake(k), v]));
}

/** In the worker: import the embedding script and wait for it to register its app. */
export async function loadEmbeddedApp(script: string): Promise<unknown> {
  process.env[WORKER_MARK] = '1';
  const registered = new Promise<unknown>((resolve) => (deliver = resolve));
  await import(pathToFileURL(script).href);
  return registered;
}
