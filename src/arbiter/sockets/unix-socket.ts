// Binding a Unix socket path: refuse a path someone is serving on, replace a stale socket
// file left by a dead server, never delete anything that is not a socket, and create the
// file under the configured umask (its mode is what clients' permission checks see).
import { lstatSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import net from 'node:net';
import { BindError, bindErrorFor } from './bind-error.js';
import { makeListeningSocket, type ListeningSocket } from './listening-socket.js';
import { bindUnix, BindSyscallError } from './native-handle.js';

// sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
const MAX_PATH_BYTES = 107;
const PROBE_TIMEOUT_MS = 1000;

export async function bindUnixSocket(path: string, umask: number): Promise<ListeningSocket> {
  const label = `unix:${path}`;
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw bindErrorFor(label, 'ENAMETOOLONG');
  requireDirectory(path, label);
  await removeIfStale(path, label);
  const previous = process.umask(umask);
  try {
    const bound = bindUnix(path);
    return makeListeningSocket({ kind: 'unix', path }, bound, path);
  } catch (err) {
    if (err instanceof BindSyscallError) throw bindErrorFor(label, err.code, err.message);
    throw err;
  } finally {
    process.umask(previous);
  }
}

// libuv reports a missing directory as EACCES; check first so the message says what is wrong.
function requireDirectory(path: string, label: string): void {
  try {
    if (!statSync(dirname(path)).isDirectory()) throw bindErrorFor(label, 'ENOTDIR');
  } catch (err) {
    if (err instanceof BindError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw bindErrorFor(label, code, (err as Error).message);
  }
}

async function removeIfStale(path: string, label: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') return;
    throw bindErrorFor(label, code, (err as Error).message);
  }
  if (!isSocket) throw new BindError(label, 'EEXIST', `Cannot create ${label}: the path exists and is not a socket`);
  const probe = await probe_(path);
  if (probe === 'live') throw bindErrorFor(label, 'EADDRINUSE');
  if (probe === 'stale') unlinkSync(path);
}

/** 'live': something accepts there; 'stale': a socket file nobody listens on; 'gone': vanished meanwhile. */
function probe_(path: string): Promise<'live' | 'stale' | 'gone'> {
  return new Promise((resolve) => {
    const client = net.connect({ path });
    const done = (result: 'live' | 'stale' | 'gone'): void => {
      client.destroy();
      resolve(result);
    };
    client.setTimeout(PROBE_TIMEOUT_MS, () => done('live'));
    client.once('connect', () => done('live'));
    client.once('error', (err: NodeJS.ErrnoException) => {
      // EAGAIN: the listener's queue is full, so someone does listen there.
      if (err.code === 'ECONNREFUSED') done('stale');
      else if (err.code === 'ENOENT') done('gone');
      else done('live');
    });
  });
}
