// The app's own cleanup when its worker stops (shutdown.ts decides when): the SIGTERM
// listeners it registered, as it would on its own, and its close() (Fastify, NestJS, an
// http.Server, any wrapper with close()) so its onClose-style hooks run.
//
// SIGTERM listeners are taken off `process` as they are added and kept here: Node would call
// every listener the moment the signal arrives, before the worker has drained, and an app's
// listener often ends with process.exit(). Held here, they run after the drain instead.
import { Server as NetServer } from 'node:net';

export class AppTermListeners {
  readonly #held: NodeJS.SignalsListener[] = [];
  #capturing = false;

  /** From now on, every SIGTERM listener added to `process` is moved here. Call after the worker's own. */
  capture(): void {
    if (this.#capturing) return;
    this.#capturing = true;
    process.on('newListener', (event: string | symbol, listener: NodeJS.SignalsListener) => {
      if (event !== 'SIGTERM') return;
      // 'newListener' fires before the listener is added: move it once it is there.
      queueMicrotask(() => {
        if (!process.listeners('SIGTERM').includes(listener)) return;
        process.removeListener('SIGTERM', listener);
        this.#held.push(listener);
      });
    });
  }

  get count(): number { return this.#held.length; }

  /** Calls each held listener as Node would, awaiting what it returns; throws go to `failed`. */
  async run(failed: (err: unknown) => void): Promise<void> {
    const listeners = this.#held.splice(0);
    for (const listener of listeners) {
      try {
        // Declared as returning void, but an async listener's promise is worth waiting for.
        const result: unknown = listener('SIGTERM');
        await result;
      } catch (err) {
        failed(err);
      }
    }
  }
}

/** The worker's one instance: signals.ts starts capturing right after installing the worker's own SIGTERM handler. */
export const appTermListeners = new AppTermListeners();

/** Whether `value` has a close() the worker calls on the way out. */
export function hasClose(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof Reflect.get(value, 'close') === 'function';
}

/**
 * Closes the app object: an http.Server through its callback (one that never listened reports
 * ERR_SERVER_NOT_RUNNING, which is expected here), anything else through close(), awaiting a
 * promise it returns. A Fastify instance is itself thenable: only a different object is awaited.
 */
export async function closeApp(value: unknown): Promise<void> {
  if (value instanceof NetServer) {
    await new Promise<void>((resolve) => value.close(() => resolve()));
    return;
  }
  if (!hasClose(value)) return;
  const result: unknown = Reflect.apply(Reflect.get(value as object, 'close') as (...args: unknown[]) => unknown, value, []);
  if (result !== value && isThenable(result)) await result;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof Reflect.get(value, 'then') === 'function';
}
