// The one place that binds a socket WITHOUT listening on it. The arbiter must own its
// sockets but never accept on them, and Node has no public bind-without-listen before
// `net.BoundSocket` (v26.4, backported to some 24.x): older versions need the undocumented
// `net._createServerHandle`. Everything here returns a bound fd; nothing here listens.
import net from 'node:net';
import { getSystemErrorName } from 'node:util';

/** A bound, not-listening socket. `close()` releases the fd (libuv then unlinks a Unix path it bound). */
export interface BoundHandle {
  readonly fd: number;
  /** The port the kernel gave (TCP only; resolves port 0). */
  readonly port: number;
  close(): void;
}

/** What failed, as an errno code ('EADDRINUSE', 'EACCES', ...), for bind.ts to turn into a message. */
export class BindSyscallError extends Error {
  readonly code: string;
  constructor(code: string, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'BindSyscallError';
    this.code = code;
  }
}

interface BoundSocketLike {
  fd(): number;
  address(): { port: number } | string;
  close(): void;
}
type BoundSocketCtor = new (opts: { host?: string; port?: number; path?: string; reusePort?: boolean }) => BoundSocketLike;

// Internal libuv handle as returned by _createServerHandle (src/net.js): a TCP or Pipe wrap.
interface RawHandle {
  readonly fd: number;
  getsockname?(out: { port?: number }): number;
  close(): void;
}
type CreateServerHandle = (address: string | null, port: number, addressType: number, fd?: number, flags?: number) => RawHandle | number;

/** libuv's UV_TCP_REUSEPORT bind flag (uv.h); Node before 22.12 drops it without an error. */
const UV_TCP_REUSEPORT = 2;

/**
 * Whether `value` is net.BoundSocket as this code uses it: a class whose prototype has 'isPipe',
 * Node's documented signal that BoundSocket also binds Unix paths. Its constructor and methods
 * are taken as Node documents them (too new for @types/node).
 */
function isBoundSocketCtor(value: unknown): value is BoundSocketCtor {
  if (typeof value !== 'function') return false;
  const proto: unknown = value.prototype;
  return typeof proto === 'object' && proto !== null && 'isPipe' in proto;
}

/** Whether `value` is a function: net._createServerHandle, undocumented, called as src/net.js defines it. */
function isCreateServerHandle(value: unknown): value is CreateServerHandle {
  return typeof value === 'function';
}

const boundSocket: unknown = Reflect.get(net, 'BoundSocket');
const BoundSocket: BoundSocketCtor | undefined = isBoundSocketCtor(boundSocket) ? boundSocket : undefined;

/** Which mechanism this Node uses (reported by tests and useful in debug logs). */
export const bindMechanism: 'BoundSocket' | '_createServerHandle' = BoundSocket ? 'BoundSocket' : '_createServerHandle';

/** `reusePort`: SO_REUSEPORT, so other processes may bind the same port (see node-features.ts). */
export function bindTcp(host: string, port: number, family: 4 | 6, reusePort = false): BoundHandle {
  if (BoundSocket) return fromBoundSocket(() => new BoundSocket(reusePort ? { host, port, reusePort } : { host, port }));
  const handle = createServerHandle(host, port, family, reusePort ? UV_TCP_REUSEPORT : 0);
  // libuv defers a TCP bind's EADDRINUSE to the next call on the socket: without this
  // check the fd would later listen on 0.0.0.0 with a random port.
  const out: { port?: number } = {};
  const err = handle.getsockname?.(out) ?? 0;
  if (err !== 0 || typeof out.port !== 'number') {
    handle.close();
    throw new BindSyscallError(errnoName(err), `bind ${host}:${port}`);
  }
  return { fd: handle.fd, port: out.port, close: () => handle.close() };
}

export function bindUnix(path: string): BoundHandle {
  if (BoundSocket) return fromBoundSocket(() => new BoundSocket({ path }));
  const handle = createServerHandle(path, -1, -1);
  return { fd: handle.fd, port: 0, close: () => handle.close() };
}

function createServerHandle(address: string, port: number, addressType: number, flags = 0): RawHandle {
  const create: unknown = Reflect.get(net, '_createServerHandle');
  if (!isCreateServerHandle(create)) {
    throw new Error(`this Node.js (${process.version}) has neither net.BoundSocket nor net._createServerHandle`);
  }
  const result = flags === 0 ? create(address, port, addressType) : create(address, port, addressType, undefined, flags);
  if (typeof result === 'number') throw new BindSyscallError(errnoName(result), `bind ${address}`);
  return result;
}

function fromBoundSocket(make: () => BoundSocketLike): BoundHandle {
  let bound: BoundSocketLike;
  try {
    bound = make();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new BindSyscallError(typeof code === 'string' ? code : 'EINVAL', (err as Error).message);
  }
  const address = bound.address();
  return { fd: bound.fd(), port: typeof address === 'string' ? 0 : address.port, close: () => bound.close() };
}

function errnoName(err: number): string {
  try {
    return getSystemErrorName(err);
  } catch {
    return `errno ${err}`;
  }
}
