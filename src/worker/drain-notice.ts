// The app's side of a worker's retirement: `onDrain(listener)` registers a function the worker
// calls as soon as it stops accepting (graceful stop, HUP, max_requests, USR2 handover), with
// the deadline at which it will be killed. Connections an HTTP response cannot drain (WebSockets,
// server-sent events, CONNECT tunnels) are the app's to close then, e.g. with 1001 Going Away.
//
// The listeners live on globalThis under a registered symbol, not in this module: the app may
// import its own copy of gunicorn-ts (through jiti, or from its own node_modules), and the
// worker must still find what that copy registered.

/** What a drain listener is told. */
export interface DrainNotice {
  /** When the worker will be killed, in ms since the epoch (Date.now() scale): now + graceful_timeout. */
  readonly deadline: number;
  /** graceful_timeout in ms, as a duration. */
  readonly gracefulTimeoutMs: number;
}

export type DrainListener = (notice: DrainNotice) => void | Promise<void>;

const KEY = Symbol.for('gunicorn-ts.drain-listeners');

function listeners(): Set<DrainListener> {
  const holder = globalThis as { [KEY]?: Set<DrainListener> };
  holder[KEY] ??= new Set();
  return holder[KEY];
}

/**
 * Calls `listener` once when this worker starts draining. Returns a function that removes it.
 * Outside a gunicorn-ts worker (tests, `node app.js`) nothing ever calls it.
 */
export function onDrain(listener: DrainListener): () => void {
  const set = listeners();
  set.add(listener);
  return () => { set.delete(listener); };
}

/** The worker's side: calls every listener once; a listener that throws or rejects is reported to `failed`. */
export async function notifyDrain(notice: DrainNotice, failed: (err: unknown) => void): Promise<void> {
  const called = [...listeners()];
  listeners().clear();
  await Promise.all(called.map(async (listener) => {
    try {
      await listener(notice);
    } catch (err) {
      failed(err);
    }
  }));
}
