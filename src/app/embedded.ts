// Embedding (Gunicorn's "Custom Application"): a program subclasses BaseApplication and calls
// run(). Workers are separate processes, so an app object cannot be handed to them; instead
// each worker imports the program's own script again, where run() sees it is inside a worker
// and registers its app here instead of starting an arbiter.
import { pathToFileURL } from 'node:url';

export const EMBEDDED_PREFIX = 'embedded:';
const WORKER_MARK = 'GTS_EMBEDDED_WORKER';

let deliver: ((app: unknown) => void) | undefined;

export function isEmbeddedWorker(): boolean {
  return process.env[WORKER_MARK] === '1';
}

/** Called by BaseApplication.run() inside a worker. */
export function registerEmbeddedApp(app: unknown): void {
  if (deliver === undefined) throw new Error('registerEmbeddedApp() called outside a gunicorn-ts worker');
  deliver(app);
}

/** In the worker: import the embedding script and wait for it to register its app. */
export async function loadEmbeddedApp(script: string): Promise<unknown> {
  process.env[WORKER_MARK] = '1';
  const registered = new Promise<unknown>((resolve) => (deliver = resolve));
  await import(pathToFileURL(script).href);
  return registered;
}
