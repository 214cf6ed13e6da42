// Keeps an app from opening ports of its own: a `listen(8000)` left in the app module (the
// habit of running it with `node app.js` or PM2) would otherwise bind an unmanaged port in
// every worker. While the guard is on, such a call is logged as a warning naming the port and
// the line, binds nothing, never calls back, and the server is remembered so a module that
// only starts a server (`serve(app)`, `app.listen(3000)`) can still be served on the worker's
// sockets. Listening on an inherited descriptor (`{ fd }`, `{ handle }`: how the worker and
// socket activation listen) passes through.
import { Server as NetServer } from 'node:net';
import { appLocation } from './errors.js';

export interface CapturedListen {
  readonly server: NetServer;
  /** "port 8000", "127.0.0.1 port 3000", "path /tmp/app.sock". */
  readonly target: string;
}

export interface ListenGuard {
  /** Servers the app asked to listen since the guard went on, oldest first. */
  readonly captured: readonly CapturedListen[];
  /** Restores Node's own listen() (the arbiter's load window ends; a worker keeps it on). */
  release(): void;
}

const originalListen = NetServer.prototype.listen;
let active: { captured: CapturedListen[]; warn: (msg: string) => void } | null = null;

export function guardListen(warn: (msg: string) => void): ListenGuard {
  const state = { captured: [] as CapturedListen[], warn };
  active = state;
  NetServer.prototype.listen = guardedListen as typeof originalListen;
  return {
    captured: state.captured,
    release: () => {
      if (active !== state) return;
      active = null;
      NetServer.prototype.listen = originalListen;
    },
  };
}

function guardedListen(this: NetServer, ...args: unknown[]): NetServer {
  const first = args[0];
  const inherited = typeof first === 'object' && first !== null && ('fd' in first || 'handle' in first || '_handle' in first);
  if (active === null || inherited) return Reflect.apply(originalListen, this, args) as NetServer;
  const target = describeTarget(args);
  active.captured.push({ server: this, target });
  const where = appLocation(new Error('listen() called'));
  active.warn(`The app called listen() on ${target}${where === null ? '' : ` at ${where}`}: ignored, that port is not opened. ` +
    'gunicorn-ts serves the app on the sockets of --bind in every worker; export the app instead of calling listen() ' +
    '(or call it only when the file is run directly). See docs/frameworks.md.');
  return this;
}

function describeTarget(args: readonly unknown[]): string {
  const [first, second] = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof second === 'string' ? `${second} port ${first}` : `port ${first}`;
  }
  if (typeof first === 'string') return `path ${first}`;
  if (typeof first === 'object' && first !== null) {
    const { port, host, path } = first as { port?: unknown; host?: unknown; path?: unknown };
    if (typeof path === 'string') return `path ${path}`;
    const portText = `port ${port === undefined ? 0 : String(port)}`;
    return typeof host === 'string' ? `${host} ${portText}` : portText;
  }
  return 'port 0 (a random port)';
}
