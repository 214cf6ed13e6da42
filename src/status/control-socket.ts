// The master's control socket: a Unix stream socket, mode 0600, answering one JSON request
// line (`{"command":"status"}`) with one JSON line. It only reads state; a bad request gets
// `{"error": ...}`. Removed on close only if the path is still ours (USR2 hands it on).
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
const MAX_PATH_BYTES = 107;
/** A request larger than this is not a status request. */
const MAX_REQUEST_BYTES = 4096;

export type ControlHandler = (command: string) => unknown;

export interface ControlSocket {
  readonly path: string;
  close(): Promise<void>;
}

/** `control_socket`, else `<pidfile>.ctl` when a pidfile is set, else none; resolved against cwd. */
export function controlSocketPath(controlSocket: string | null, pidfile: string | null, cwd: string): string | null {
  const path = controlSocket ?? (pidfile ? `${pidfile}.ctl` : null);
  return path === null || path === '' ? null : resolve(cwd, path);
}

function answer(socket: net.Socket, handler: ControlHandler): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    const end = buffered.indexOf('\n');
    if (end < 0 && buffered.length <= MAX_REQUEST_BYTES) return;
    socket.removeAllListeners('data');
    socket.end(`${JSON.stringify(respond(buffered.slice(0, end < 0 ? undefined : end), handler))}\n`);
  });
}

function respond(line: string, handler: ControlHandler): unknown {
  let command: unknown;
  try {
    command = (JSON.parse(line) as { command?: unknown } | null)?.command;
  } catch {
    return { error: 'expected one JSON line such as {"command":"status"}' };
  }
  if (typeof command !== 'string') return { error: 'expected one JSON line such as {"command":"status"}' };
  try {
    return handler(command);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** A leftover socket file (a master that was killed) is replaced; anything else is an error. */
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

/** Listens on `path` with mode 0600 (owner only) from the moment it exists. */
export async function openControlSocket(path: string, handler: ControlHandler): Promise<ControlSocket> {
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) {
    throw new Error(`control_socket: ${path} is longer than the ${MAX_PATH_BYTES} bytes a Unix socket path may have`);
  }
  clearStale(path);
  const server = net.createServer((socket) => answer(socket, handler));
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
  chmodSync(path, 0o600);
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
