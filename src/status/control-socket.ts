// The master's control socket: a Unix stream socket created with control_socket_mode (0600:
// owner only), answering gunicornc-style requests, several per connection, each with one
// answer. Where it lives (setting, pidfile, Gunicorn 26's default). Removed on close only
// if the path is still ours (USR2 hands it on).
import { chmodSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { asRequest, encodeMessage, MessageReader, ProtocolError, type ControlResponse } from './protocol.js';

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
const MAX_PATH_BYTES = 107;

/** Answers one command with its data; a thrown Error becomes an error answer. */
export type ControlHandler = (command: string, args: readonly string[]) => unknown;

export interface ControlSocket {
  readonly path: string;
  close(): Promise<void>;
}

export interface ControlSocketSettings {
  readonly control_socket: string | null;
  readonly control_socket_disable: boolean;
  readonly pidfile: string | null;
}

/** Where the socket is and why: `setting` and `pidfile` paths were asked for; `default` was not. */
export interface ControlSocketPlace {
  readonly path: string;
  readonly origin: 'setting' | 'pidfile' | 'default';
}

/** Gunicorn 26's default: $XDG_RUNTIME_DIR/gunicorn.ctl when that directory exists, else $HOME/.gunicorn/gunicorn.ctl. */
export function defaultControlSocket(env: NodeJS.ProcessEnv): string | null {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime) {
    try {
      if (statSync(runtime).isDirectory()) return join(runtime, 'gunicorn.ctl');
    } catch {
      // not there: fall back to HOME
    }
  }
  const home = env['HOME'];
  return home ? join(home, '.gunicorn', 'gunicorn.ctl') : null;
}

/** `control_socket`, else `<pidfile>.ctl`, else Gunicorn's default; null with --no-control-socket. */
export function controlSocketPlace(settings: ControlSocketSettings, cwd: string, env: NodeJS.ProcessEnv): ControlSocketPlace | null {
  if (settings.control_socket_disable) return null;
  if (settings.control_socket) return { path: resolve(cwd, settings.control_socket), origin: 'setting' };
  if (settings.pidfile) return { path: resolve(cwd, `${settings.pidfile}.ctl`), origin: 'pidfile' };
  const fallback = defaultControlSocket(env);
  return fallback === null ? null : { path: fallback, origin: 'default' };
}

function answerRequests(socket: net.Socket, handler: ControlHandler): void {
  const reader = new MessageReader();
  socket.on('error', () => undefined);
  // Answers go out in request order even when one takes a moment (show workers asks the workers).
  let queue = Promise.resolve();
  socket.on('data', (chunk: Buffer) => {
    let messages: unknown[];
    try {
      messages = reader.push(chunk);
    } catch (err) {
      const message = err instanceof ProtocolError ? err.message : String(err);
      socket.end(encodeMessage({ id: 0, status: 'error', error: message } satisfies ControlResponse));
      return;
    }
    for (const message of messages) queue = queue.then(() => answerOne(socket, message, handler));
  });
}

async function answerOne(socket: net.Socket, message: unknown, handler: ControlHandler): Promise<void> {
  const request = asRequest(message);
  let response: ControlResponse;
  if (typeof request === 'string') response = { id: 0, status: 'error', error: request };
  else {
    try {
      response = { id: request.id, status: 'ok', data: await handler(request.command, request.args) };
    } catch (err) {
      response = { id: request.id, status: 'error', error: err instanceof Error ? err.message : String(err) };
    }
  }
  if (!socket.destroyed) socket.write(encodeMessage(response));
}

/** Is a master answering at `path`? (A socket file nobody listens on is stale.) */
export function isServed(path: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.once('error', () => done(false));
  });
}

/** A leftover socket file (a master that was killed, or USR2's old master) is replaced; anything else is an error. */
function clearStale(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new Error(`control_socket: ${path} exists and is not a socket`);
  unlinkSync(path);
}

function inode(path: string): number | null {
  try {
    return lstatSync(path).ino;
  } catch {
    return null;
  }
}

/** Listens on `path` with `mode` from the moment it exists (the parent folder is created 0700 if missing). */
export async function openControlSocket(path: string, mode: number, handler: ControlHandler): Promise<ControlSocket> {
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) {
    throw new Error(`control_socket: ${path} is longer than the ${MAX_PATH_BYTES} bytes a Unix socket path may have`);
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  clearStale(path);
  const server = net.createServer((socket) => answerRequests(socket, handler));
  const listening = new Promise<void>((ok, fail) => {
    server.once('error', (err) => fail(new Error(`control_socket: cannot listen on ${path}: ${err.message}`)));
    server.once('listening', () => ok());
  });
  // listen() binds synchronously: under umask 0177 nobody else can connect before chmod.
  const umask = process.umask(0o177);
  try {
    server.listen(path);
  } finally {
    process.umask(umask);
  }
  await listening;
  chmodSync(path, mode);
  const ours = inode(path);
  server.unref();
  return {
    path,
    close: () => new Promise<void>((done) => {
      // A new master (USR2) may have bound the same path since: leave its socket alone.
      if (ours !== null && inode(path) === ours) {
        try { unlinkSync(path); } catch { /* already gone */ }
      }
      server.close(() => done());
    }),
  };
}
