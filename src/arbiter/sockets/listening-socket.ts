// A socket the arbiter owns and hands to workers: its address, its fd, and the one way to
// release it. It does not listen in the arbiter's event loop (see listen-helper.ts).
import { lstatSync, unlinkSync } from 'node:fs';
import { type BindAddress, formatBindAddress } from './bind-address.js';

export interface ListeningSocket {
  /** With the real port filled in when port 0 was asked, and the resolved IP for a host name. */
  readonly address: BindAddress;
  /** formatBindAddress(address), for logs. */
  readonly label: string;
  /** The fd to pass to workers through spawn's stdio (it becomes fd 3+index-of-stdio there). */
  readonly fd: number;
  /** What spawn's stdio accepts (an object with a numeric `fd`); holds the fd open. */
  readonly handle: object;
  /**
   * Clean shutdown: closes the fd, and for a Unix socket this process created or took over
   * (USR2), removes the path. For a USR2 handover, DON'T call this: exit with process.exit()
   * without closing, otherwise the path the new master serves on is unlinked.
   * A natural exit (event loop drained) also closes handles, so the old master must call
   * process.exit() explicitly.
   */
  close(): void;
}

export interface SocketOwner {
  readonly fd: number;
  close(): void;
}

/** Wraps an fd owner; `unlinkPath` is the Unix path to remove on close(), if this process owns it. */
export function makeListeningSocket(address: BindAddress, owner: SocketOwner, unlinkPath?: string): ListeningSocket {
  const fd = owner.fd;
  let closed = false;
  return Object.freeze({
    address: Object.freeze({ ...address }),
    label: formatBindAddress(address),
    fd,
    handle: Object.freeze({ fd, owner }),
    close(): void {
      if (closed) return;
      closed = true;
      owner.close();
      if (unlinkPath !== undefined) removeSocketFile(unlinkPath);
    },
  });
}

/** Removes a Unix socket file, never a regular file someone put there since. */
export function removeSocketFile(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
