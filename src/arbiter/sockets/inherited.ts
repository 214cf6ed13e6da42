// Sockets this process did not bind: fds handed over by the old master on USR2, `fd://N`
// binds, and systemd socket activation (LISTEN_PID/LISTEN_FDS). Wraps each fd with public
// API only (a net.Socket that never reads or writes) to learn its address and keep it open.
import { fstatSync, readFileSync } from 'node:fs';
import net from 'node:net';
import type { BindAddress } from './bind-address.js';
import { BindError, bindErrorFor } from './bind-error.js';
import { makeListeningSocket, type ListeningSocket } from './listening-socket.js';

/** systemd passes its sockets from fd 3 on (sd_listen_fds). */
const SD_LISTEN_FDS_START = 3;

export interface FromFdsOptions {
  /** Remove a Unix socket's path on close(): true for USR2 (this master now owns it), false for fd:// and systemd. */
  unlinkOnClose?: boolean;
}

export function socketsFromFds(fds: readonly number[], options: FromFdsOptions = {}): ListeningSocket[] {
  const unlink = options.unlinkOnClose ?? true;
  // On error the fds wrapped so far stay open: they belong to whoever handed them over.
  return fds.map((fd) => wrapFd(fd, unlink));
}

/**
 * The sockets systemd activated this process with, or null when it was not socket-activated
 * (or the variables were meant for another process). Deletes the variables from `env`
 * either way, so workers never see them.
 */
export function socketsFromSystemd(env: NodeJS.ProcessEnv, pid: number): ListeningSocket[] | null {
  const { LISTEN_PID: listenPid, LISTEN_FDS: listenFds } = env;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  if (listenPid === undefined || listenFds === undefined || listenPid !== String(pid)) return null;
  if (!/^\d+$/.test(listenFds)) {
    throw new BindError('systemd', 'EBADSOCKET', `LISTEN_FDS=${JSON.stringify(listenFds)} is not a number of sockets`);
  }
  const count = Number(listenFds);
  if (count === 0) return null;
  const fds = Array.from({ length: count }, (_, i) => SD_LISTEN_FDS_START + i);
  return socketsFromFds(fds, { unlinkOnClose: false });
}

function wrapFd(fd: number, unlink: boolean): ListeningSocket {
  const label = `fd://${fd}`;
  let inode: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isSocket()) throw new BindError(label, 'EINVAL', `Cannot use ${label}: it is not a socket`);
    inode = stat.ino;
  } catch (err) {
    if (err instanceof BindError) throw err;
    throw bindErrorFor(label, (err as NodeJS.ErrnoException).code ?? 'EBADF');
  }
  let socket: net.Socket;
  try {
    // readable/writable false: the socket never reads, so it never touches the event loop.
    socket = new net.Socket({ fd, readable: false, writable: false });
  } catch {
    throw bindErrorFor(label, 'EINVAL'); // a UDP socket, say (ERR_INVALID_FD_TYPE)
  }
  const address = addressOf(socket, fd, inode);
  const owner = { fd, close: (): void => void socket.destroy() };
  return makeListeningSocket(address, owner, unlink && address.kind === 'unix' ? address.path : undefined);
}

function addressOf(socket: net.Socket, fd: number, inode: number): BindAddress {
  const info = socket.address();
  if ('port' in info && typeof info.port === 'number') return { kind: 'tcp', host: info.address, port: info.port };
  // Node has no getsockname for Unix sockets: Linux lists each socket's bound path by inode.
  const path = unixPathByInode(inode);
  return path === undefined ? { kind: 'fd', fd } : { kind: 'unix', path };
}

function unixPathByInode(inode: number): string | undefined {
  let table: string;
  try {
    table = readFileSync('/proc/net/unix', 'utf8');
  } catch {
    return undefined;
  }
  // Columns: Num RefCount Protocol Flags Type St Inode Path
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[6] === String(inode) && cols[7] !== undefined && cols[7].startsWith('/')) return cols.slice(7).join(' ');
  }
  return undefined;
}
