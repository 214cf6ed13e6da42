// Reads a PROXY protocol header off each new connection before HTTP (or TLS) sees a byte,
// then hands the socket on with the real client address. A header from a peer not in
// proxy_allow_ips, an invalid one, one of the wrong version, and (modes v1 and v2) a missing
// one close the connection without a response; in auto mode a connection that starts with
// anything else is served directly.

import net from 'node:net';
import type tls from 'node:tls';
import { Duplex } from 'node:stream';
import { isAllowed, type AllowList } from './ip-allow-list.js';
import { parseProxyHeader, type ProxyHeader } from './proxy-protocol.js';
import type { EdgeLog } from './edge-log.js';
import { sharedWeakMap } from './shared-state.js';
import { isTlsServer, isTlsSocket } from './lazy-builtins.js';

/** proxy_protocol other than off: which header versions are read, and whether one is required. */
export type ProxyMode = 'v1' | 'v2' | 'auto';

export interface ProxyAcceptOptions {
  readonly allow: AllowList;
  readonly mode: ProxyMode;
  readonly log: EdgeLog;
  /** A connection that has not sent a whole header by then is closed. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** A v2 header with TLVs may be long; no real proxy sends more than this. */
const MAX_HEADER_BYTES = 4096;

const headers = sharedWeakMap<object, ProxyHeader>('proxy-header');
/** Replay stream → the accepted socket under it. */
const replayed = sharedWeakMap<object, net.Socket>('replay-socket');
/** Socket → the address of its TCP peer (the proxy), which a header's client replaced. */
const tcpPeers = sharedWeakMap<object, string | undefined>('tcp-peer');

/**
 * Reads the header from `socket` (a raw socket from a 'connection' event) and calls
 * `onReady(header, rest)` with the bytes that followed it, or closes the socket.
 */
export function readProxyHeader(socket: net.Socket, opts: ProxyAcceptOptions, onReady: (header: ProxyHeader | null, rest: Buffer) => void): void {
  const peer = socket.remoteAddress;
  const allowed = isAllowed(opts.allow, peer);
  if (!allowed && opts.mode !== 'auto') {
    opts.log('debug', 'PROXY protocol: connection closed', { peer, reason: 'peer not in proxy_allow_ips' });
    socket.destroy();
    return;
  }
  let buffered: Buffer = Buffer.alloc(0);
  const cleanup = (): void => {
    clearTimeout(timer);
    socket.off('data', onData).off('end', onEnd).off('error', onError);
  };
  const reject = (reason: string): void => {
    opts.log('debug', 'PROXY protocol: connection closed', { peer, reason });
    cleanup();
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const result = parseProxyHeader(buffered);
    if (result.kind === 'invalid') return reject(result.reason);
    if (result.kind === 'needMore') {
      if (buffered.length > MAX_HEADER_BYTES) reject('header too long');
      return;
    }
    if (result.kind === 'absent') {
      if (opts.mode !== 'auto') return reject('no PROXY protocol header');
      socket.pause();
      cleanup();
      onReady(null, buffered);
      return;
    }
    if (!allowed) return reject('peer not in proxy_allow_ips');
    if (opts.mode !== 'auto' && `v${result.header.version}` !== opts.mode) return reject(`v${result.header.version} header, proxy_protocol is ${opts.mode}`);
    socket.pause();
    cleanup();
    onReady(result.header, buffered.subarray(result.header.headerLength));
  };
  const onEnd = (): void => reject('closed before the header');
  const onError = (err: Error): void => reject(err.message);
  const timer = setTimeout(() => reject('timed out waiting for the header'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  timer.unref();
  socket.on('data', onData).on('end', onEnd).on('error', onError);
}

/** Makes `target` report the header's client as its remote address (what apps and the access log read). */
function adoptAddress(target: object, header: ProxyHeader): void {
  headers.set(target, header);
  if (header.command !== 'proxy' || header.source === null) return;
  if (!tcpPeers.has(target)) tcpPeers.set(target, (target as { remoteAddress?: string }).remoteAddress);
  Object.defineProperties(target, {
    remoteAddress: { value: header.source, configurable: true },
    remotePort: { value: header.sourcePort, configurable: true },
    remoteFamily: { value: header.family === 'TCP6' ? 'IPv6' : 'IPv4', configurable: true },
  });
}

/**
 * A stream over `socket` that first yields `rest`. TLS wraps a net.Socket's native handle
 * directly and would never see bytes already read into JS, so it gets this instead.
 */
function replayStream(socket: net.Socket, rest: Buffer): Duplex {
  const stream = new Duplex({
    read() { socket.resume(); },
    write(chunk: Buffer, _enc, cb) { socket.write(chunk, cb); },
    final(cb) { socket.end(); cb(); },
    destroy(err, cb) { socket.destroy(err ?? undefined); cb(err); },
  });
  stream.push(rest);
  replayed.set(stream, socket);
  socket.on('data', (d: Buffer) => { if (!stream.push(d)) socket.pause(); });
  socket.on('end', () => stream.push(null));
  socket.on('error', (err) => stream.destroy(err));
  socket.on('close', () => stream.destroy());
  return stream;
}

/**
 * What Node keeps on a TLS socket, its handle and the wrap under it: none of it API, so any
 * may be absent, and each value is checked before it is used (absent means "not found").
 */
interface TlsInternals {
  /** TLSSocket: the net.Socket it was made over, or null over any other stream. */
  readonly _parent?: unknown;
  /** TLSSocket: its TLS handle. */
  readonly _handle?: unknown;
  /** The TLS handle: the net.Socket under it, or the wrap Node made of another stream. */
  readonly _parentWrap?: unknown;
  /** That wrap: the stream it wraps. */
  readonly stream?: unknown;
}

/** Any object, read for the fields above (each unknown until checked). */
function internalsOf(value: object): TlsInternals {
  return value;
}

/** `value` when it is an object, else undefined. */
function internals(value: unknown): TlsInternals | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

/** A TLS socket's handle's `_parentWrap`. */
function tlsParentWrap(tlsSocket: object): TlsInternals | undefined {
  return internals(internals(internalsOf(tlsSocket)._handle)?._parentWrap);
}

/** The socket (or replay stream) a TLS socket was created over. Node internals, guarded. */
function tlsParent(tlsSocket: tls.TLSSocket): object | undefined {
  const parent = tlsParentWrap(tlsSocket);
  if (parent === undefined) return undefined;
  return headers.has(parent) ? parent : internals(parent.stream);
}

/**
 * Makes `server` (http, https or net) read a PROXY header on every connection before its
 * own 'connection' handling runs. Call once, after the server is created.
 */
export function installProxyProtocol(server: net.Server, opts: ProxyAcceptOptions): void {
  const original = server.listeners('connection') as ((socket: unknown) => void)[];
  server.removeAllListeners('connection');
  const secure = isTlsServer(server);
  server.on('connection', (socket: net.Socket) => {
    readProxyHeader(socket, opts, (header, rest) => {
      if (header !== null) adoptAddress(socket, header);
      let target: net.Socket | Duplex = socket;
      if (secure && rest.length > 0) {
        target = replayStream(socket, rest);
        if (header !== null) adoptAddress(target, header);
      } else if (rest.length > 0) {
        socket.unshift(rest);
      }
      for (const listener of original) listener.call(server, target);
      if (target === socket) socket.resume();
    });
  });
  if (secure) {
    server.prependListener('secureConnection', (tlsSocket: tls.TLSSocket) => {
      const parent = tlsParent(tlsSocket);
      const header = parent === undefined ? undefined : headers.get(parent);
      if (header !== undefined) adoptAddress(tlsSocket, header);
    });
  }
}

/**
 * The address of the peer at the other end of `socket`'s TCP connection: the proxy when a
 * PROXY header replaced remoteAddress with its client, otherwise remoteAddress itself.
 */
export function tcpPeerOf(socket: net.Socket): string | undefined {
  return tcpPeers.has(socket) ? tcpPeers.get(socket) : socket.remoteAddress;
}

/** The PROXY header a connection arrived with, if any (req.socket or the socket itself). */
export function proxyHeaderOf(socket: object | null | undefined): ProxyHeader | undefined {
  return socket ? headers.get(socket) : undefined;
}

/**
 * The socket the listener accepted under `socket` (req.socket): for TLS the raw socket it
 * wraps (through a PROXY replay stream if there is one), otherwise `socket` itself. What a
 * connection tracker keyed by accepted sockets must look up.
 */
export function acceptedSocketOf(socket: object): object {
  if (!isTlsSocket(socket)) return socket;
  // Node internals, guarded: a TLS socket over a net.Socket keeps it as _parent; over any
  // other stream (our replay stream) _parent is null and the stream sits in the handle's wrap.
  const parent = internals(internalsOf(socket)._parent) ?? internals(tlsParentWrap(socket)?.stream);
  if (parent === undefined) return socket;
  return replayed.get(parent) ?? parent;
}
