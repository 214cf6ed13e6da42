// Embedding (Gunicorn's "Custom Application"): a program subclasses BaseApplication and calls
// run(). Workers are separate processes, so neither an app object nor hook functions can be
// handed to them; instead each worker imports the program's own script again, where run()
// sees it is inside a worker and registers its app and its settings (hooks included) here.
import { pathToFileURL } from 'node:url';
import { importNative } from '../native-import.cjs';
import { camelToSnake } from '../config/sources/config-file.js';

export const EMBEDDED_PREFIX = 'embedded:';
const WORKER_MARK = 'GTS_EMBEDDED_WORKER';

// The worker runs from its bundle while the script imports 'gunicorn-ts' (dist/src/index.js):
// two copies of this module, so the hand-over lives on globalThis under a registered symbol.
const KEY = Symbol.for('gunicorn-ts.embedded-app');

interface HandOver {
  deliver?: (app: unknown) => void;
  settings: ReadonlyMap<string, unknown>;
}

function handOver(): HandOver {
  const holder = globalThis as { [KEY]?: HandOver };
  holder[KEY] ??= { settings: new Map() };
  return holder[KEY];
}

export function isEmbeddedWorker(): boolean {
  return process.env[WORKER_MARK] === '1';
}

/** Called by BaseApplication.run() inside a worker: its app, and its settings by snake_case name. */
export function registerEmbeddedApp(app: unknown, values: ReadonlyMap<string, unknown>): void {
  const state = handOver();
  if (state.deliver === undefined) throw new Error('registerEmbeddedApp() called outside a gunicorn-ts worker');
  state.settings = values;
  state.deliver(app);
}

/** What the embedding program's loadConfig() returned in this worker (its worker hooks among them). */
export function embeddedSettings(): ReadonlyMap<string, unknown> {
  return handOver().settings;
}

/** loadConfig()'s object by snake_case name (camelCase spellings are accepted, as in config files). */
export function settingsByName(config: object): Map<string, unknown> {
  return new Map(Object.entries(config).map(([k, v]) => [camelToSnake(k), v]));
}

/** In the worker: import the embedding script and wait for it to register its app. */
export async function loadEmbeddedApp(script: string): Promise<unknown> {
  process.env[WORKER_MARK] = '1';
  const registered = new Promise<unknown>((resolve) => (handOver().deliver = resolve));
  await importNative(pathToFileURL(script).href);
  return registered;
}
