// bindAll(): turns the `bind` setting into listening sockets before any worker starts.
// Binds every address (retrying one in use), then puts them all in LISTEN state from a
// helper process, so the arbiter owns the sockets and never accepts on them.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BindAddress, BindAddressError, formatBindAddress, parseBindAddress } from './bind-address.js';
import { BindError, bindErrorFor } from './bind-error.js';
import { socketsFromFds } from './inherited.js';
import { listenInHelper } from './listen-helper.js';
import { makeListeningSocket, type ListeningSocket } from './listening-socket.js';
import { bindTcp, BindSyscallError } from './native-handle.js';
import { bindUnixSocket } from './unix-socket.js';

export interface BindOptions {
  /** listen() backlog for every socket (the kernel caps it at net.core.somaxconn). */
  backlog: number;
  /** Applied while creating Unix socket files. */
  umask: number;
  /** SO_REUSEPORT on TCP sockets (reuse_port). */
  reusePort?: boolean;
  /** Attempts for an address in use, in all (Gunicorn: 5). */
  retries?: number;
  /** Pause between attempts (Gunicorn: 1 s). */
  retryDelayMs?: number;
  /** Called before each pause, e.g. to log "Connection in use: ..., retrying". */
  onRetry?: (label: string, attempt: number, err: Error) => void;
}

/** Bound sockets, and the listen helper putting them into LISTEN state. */
export interface BoundSockets {
  readonly sockets: ListeningSocket[];
  /**
   * Settles once the helper has run: resolves when every socket listens; on a failure the
   * sockets are closed and it rejects with a BindError.
   */
  readonly listening: Promise<void>;
}

/**
 * Binds every address in order and starts the listen helper without waiting for it: a start
 * goes on with its pidfile and control socket while the helper runs (awaiting it before
 * anything announces or accepts is the caller's part). On a bind failure closes what was
 * bound and throws a BindError.
 */
export async function bindAndListen(addresses: readonly string[], opts: BindOptions): Promise<BoundSockets> {
  const sockets: ListeningSocket[] = [];
  try {
    for (const text of addresses) sockets.push(await bindWithRetries(parse(text), opts));
  } catch (err) {
    for (const socket of sockets) socket.close();
    throw err;
  }
  const listening = listenInHelper(sockets.map((s) => s.fd), opts.backlog).then((failures) => {
    const failure = failures[0];
    if (failure === undefined) return;
    for (const socket of sockets) socket.close();
    const label = sockets.find((s) => s.fd === failure.fd)?.label ?? `fd://${failure.fd}`;
    throw bindErrorFor(label, failure.code, failure.message);
  });
  // Awaited by the caller; a start that fails before that must not also report it unhandled.
  listening.catch(() => undefined);
  return { sockets, listening };
}

/** Binds every address in order and waits until they listen; on any failure closes them and throws a BindError. */
export async function bindAll(addresses: readonly string[], opts: BindOptions): Promise<ListeningSocket[]> {
  const { sockets, listening } = await bindAndListen(addresses, opts);
  await listening;
  return sockets;
}

function parse(text: string): BindAddress {
  try {
    return parseBindAddress(text);
  } catch (err) {
    if (err instanceof BindAddressError) throw new BindError(text, 'EBADADDRESS', err.message);
    throw err;
  }
}

async function bindWithRetries(address: BindAddress, opts: BindOptions): Promise<ListeningSocket> {
  const attempts = Math.max(1, opts.retries ?? 5);
  const delayMs = opts.retryDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await bindOnce(address, opts);
    } catch (err) {
      if (!(err instanceof BindError) || err.code !== 'EADDRINUSE') throw err;
      if (attempt >= attempts) {
        const tries = attempts === 1 ? 'tried once' : `tried ${attempts} times, ${delayMs} ms apart`;
        throw new BindError(err.label, err.code, `${err.message} (${tries})`);
      }
      opts.onRetry?.(err.label, attempt, err);
      await sleep(delayMs);
    }
  }
}

async function bindOnce(address: BindAddress, opts: BindOptions): Promise<ListeningSocket> {
  switch (address.kind) {
    case 'tcp':
      return bindTcpAddress(address.host, address.port, opts.reusePort === true);
    case 'unix':
      return bindUnixSocket(address.path, opts.umask);
    case 'fd': {
      // The fd belongs to whoever opened it: never unlink its path.
      const [socket] = socketsFromFds([address.fd], { unlinkOnClose: false });
      return socket as ListeningSocket;
    }
  }
}

async function bindTcpAddress(host: string, port: number, reusePort: boolean): Promise<ListeningSocket> {
  const label = formatBindAddress({ kind: 'tcp', host, port });
  const { ip, family } = await resolve(host, label);
  try {
    const bound = bindTcp(ip, port, family, reusePort);
    return makeListeningSocket({ kind: 'tcp', host: ip, port: bound.port }, bound);
  } catch (err) {
    if (err instanceof BindSyscallError) throw bindErrorFor(label, err.code, err.message);
    throw err;
  }
}

async function resolve(host: string, label: string): Promise<{ ip: string; family: 4 | 6 }> {
  const literal = isIP(host);
  if (literal !== 0) return { ip: host, family: literal === 6 ? 6 : 4 };
  try {
    const found = await lookup(host);
    return { ip: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw bindErrorFor(label, code === 'EAI_AGAIN' ? 'EAI_AGAIN' : 'ENOTFOUND', (err as Error).message);
  }
}
