// The arbiter's listening sockets over its life. New workers receive the current ones; a
// reload that changes `bind` binds the new addresses first and retires the removed ones,
// which stay open until the last worker that received them has exited: closing one earlier
// would reset the connections those workers still serve.
import type { Config } from '../config/registry.js';
import { bindAll, formatBindAddress, parseBindAddress } from './sockets/index.js';
import type { BindOptions, ListeningSocket } from './sockets/index.js';
import { listenInHelper } from './sockets/listen-helper.js';

interface Held {
  readonly socket: ListeningSocket;
  /** The `bind` entry it was bound for; null for sockets inherited (USR2) or fd:// */
  readonly entry: string | null;
}

/** A `bind` change bound but not yet in use: commit() puts it in force, abort() undoes it. */
export interface ListenerChange {
  readonly bind: readonly string[];
  readonly backlog: number;
  /** In the order of the new `bind`. */
  readonly next: readonly Held[];
  readonly added: readonly ListeningSocket[];
  readonly removed: readonly ListeningSocket[];
}

/** Where a socket's address came from decides whether `bind` governs it. */
export type ListenerOrigin = 'bind' | 'inherited' | 'systemd';

export class Listeners {
  #bind: readonly string[];
  #backlog: number;
  #current: readonly Held[];
  readonly #retiring = new Set<ListeningSocket>();
  /** The sockets each live worker received at spawn, by worker id. */
  readonly #leases = new Map<number, readonly ListeningSocket[]>();

  /**
   * `sockets` as startup opened them. With origin 'bind' they are `bind`'s entries in order
   * (bindAll keeps it); inherited ones are matched to entries by address when `bind` changes.
   */
  constructor(sockets: readonly ListeningSocket[], config: Pick<Config, 'bind' | 'backlog'>, readonly origin: ListenerOrigin) {
    this.#bind = config.bind;
    this.#backlog = config.backlog;
    const byEntry = origin === 'bind' && sockets.length === config.bind.length;
    this.#current = sockets.map((socket, i) => ({ socket, entry: byEntry ? config.bind[i]! : null }));
  }

  /** The sockets a worker started now receives. */
  get current(): readonly ListeningSocket[] {
    return this.#current.map((h) => h.socket);
  }

  /** Whether a reload can apply `bind`: not when systemd owns the sockets (its unit does). */
  get followsBind(): boolean {
    return this.origin !== 'systemd';
  }

  /** Records what worker `id` receives, and returns it. */
  lease(id: number): readonly ListeningSocket[] {
    const sockets = this.current;
    this.#leases.set(id, sockets);
    return sockets;
  }

  /** Worker `id` has exited: closes the retired sockets nobody uses any more, and returns them. */
  release(id: number): ListeningSocket[] {
    this.#leases.delete(id);
    return this.#closeUnused();
  }

  /**
   * Binds what a new `bind` adds (and re-listens the kept sockets when `backlog` changed);
   * null when neither changed. Throws a BindError, with nothing left bound, when it fails.
   */
  async prepare(bind: readonly string[], opts: BindOptions): Promise<ListenerChange | null> {
    const applyBind = this.followsBind && bind.join('\n') !== this.#bind.join('\n');
    if (!applyBind && opts.backlog === this.#backlog) return null;
    const kept = new Map<string, Held>();
    if (applyBind) {
      for (const entry of bind) {
        const held = this.#current.find((h) => matches(h, entry));
        if (held) kept.set(entry, held);
      }
    }
    const missing = applyBind ? bind.filter((e) => !kept.has(e)) : [];
    const added = await bindAll(missing, opts);
    const next = applyBind ? bind.map((e) => kept.get(e) ?? { socket: added[missing.indexOf(e)]!, entry: e }) : this.#current;
    try {
      if (opts.backlog !== this.#backlog) await relisten(next.map((h) => h.socket).filter((s) => !added.includes(s)), opts.backlog);
    } catch (err) {
      for (const socket of added) socket.close();
      throw err;
    }
    const inUse = new Set(next.map((h) => h.socket));
    const removed = this.current.filter((s) => !inUse.has(s));
    return { bind: applyBind ? bind : this.#bind, backlog: opts.backlog, next, added, removed };
  }

  /** Puts a prepared change in force; returns the removed sockets closed at once (no worker had them). */
  commit(change: ListenerChange): ListeningSocket[] {
    this.#bind = change.bind;
    this.#backlog = change.backlog;
    this.#current = change.next;
    for (const socket of change.removed) this.#retiring.add(socket);
    return this.#closeUnused();
  }

  abort(change: ListenerChange): void {
    for (const socket of change.added) socket.close();
  }

  /** At exit: every socket, current and retiring. */
  closeAll(): void {
    for (const socket of [...this.current, ...this.#retiring]) socket.close();
    this.#retiring.clear();
  }

  #closeUnused(): ListeningSocket[] {
    const used = new Set([...this.#leases.values()].flat());
    const closed = [...this.#retiring].filter((s) => !used.has(s));
    for (const socket of closed) {
      this.#retiring.delete(socket);
      socket.close();
    }
    return closed;
  }
}

/**
 * A socket serves an entry it was bound for, or (inherited) whose address it has. A port-0
 * entry only ever matches the socket bound for it: each bind of port 0 is a new port.
 */
function matches(held: Held, entry: string): boolean {
  if (held.entry !== null) return held.entry === entry;
  try {
    const address = parseBindAddress(entry);
    if (address.kind === 'tcp' && address.port === 0) return false;
    return formatBindAddress(address) === held.socket.label;
  } catch {
    return false;
  }
}

/** listen() again with a new backlog: on a socket that already listens it only updates the backlog. */
async function relisten(sockets: readonly ListeningSocket[], backlog: number): Promise<void> {
  const failures = await listenInHelper(sockets.map((s) => s.fd), backlog);
  const failure = failures[0];
  if (failure !== undefined) throw new Error(`backlog: cannot apply ${backlog} to fd ${failure.fd}: ${failure.message}`);
}

/** The URL a "Listening at:" line shows. */
export function socketUrl(socket: ListeningSocket, certfile: string | null): string {
  if (socket.address.kind === 'unix') return socket.label;
  return `${certfile ? 'https' : 'http'}://${socket.label}`;
}
