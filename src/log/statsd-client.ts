// The statsd wire client: one datagram per metric, in the statsd line format with dogstatsd
// tags (`prefix.name:1|c|#k:v`), over UDP with node:dgram, or to a Unix datagram socket
// through the optional `unix-dgram` package (Node has no Unix datagram sockets). Sending
// never throws into the caller: a failure is reported once per occurrence and dropped.
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { GunicornError } from '../errors.js';
import type { ErrorReporter } from './types.js';

export type StatsdTarget = { readonly kind: 'udp'; readonly host: string; readonly port: number } | { readonly kind: 'unix'; readonly path: string };

/** `HOST:PORT` (`[::1]:8125` for IPv6; the port defaults to 8125) or Gunicorn's `unix://PATH`. */
export function parseStatsdAddress(value: string): StatsdTarget {
  const text = value.trim();
  if (text.startsWith('unix://')) {
    if (text.length === 'unix://'.length) throw new Error(`statsd_host: expected unix://PATH with a path, got ${JSON.stringify(value)}`);
    return { kind: 'unix', path: text.slice('unix://'.length) };
  }
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(text);
  const host = m?.[1] ?? m?.[2];
  const port = m?.[3] === undefined ? 8125 : Number(m[3]);
  if (host === undefined || !(port > 0 && port < 65536)) {
    throw new Error(`statsd_host: expected HOST:PORT (e.g. localhost:8125) or unix://PATH, got ${JSON.stringify(value)}`);
  }
  return { kind: 'udp', host, port };
}

/** Characters that would break a statsd line are replaced, as statsd clients conventionally do. */
const clean = (text: string, unsafe: RegExp): string => text.replace(unsafe, '_');

/** One metric as a statsd line: `name:value|type` and `|#tag,tag` when there are tags. */
export function statsdLine(name: string, value: number, type: 'c' | 'g' | 'ms', tags: readonly string[]): string {
  const tagPart = tags.length === 0 ? '' : `|#${tags.map((t) => clean(t, /[|,#\n]/g)).join(',')}`;
  return `${clean(name, /[:|@\n]/g)}:${value}|${type}${tagPart}`;
}

export interface StatsdSender {
  send(line: string): void;
  close(): Promise<void>;
}

function udpSender(host: string, port: number, report: ErrorReporter): StatsdSender {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', (err) => report(`statsd: ${err.message}`));
  // The socket must not keep a process alive that has nothing else to do.
  socket.unref();
  let closed = false;
  return {
    send(line) {
      if (closed) return;
      socket.send(line, port, host, (err) => {
        if (err) report(`statsd: ${err.message}`);
      });
    },
    close: () => new Promise<void>((resolve) => {
      if (closed) return resolve();
      closed = true;
      socket.close(() => resolve());
    }),
  };
}

interface UnixDgramSocket {
  on(event: 'error', listener: (err: Error) => void): void;
  send(buf: Buffer, offset: number, length: number, path: string, callback?: (err?: Error) => void): void;
  close(): void;
}
interface UnixDgramModule {
  createSocket(type: 'unix_dgram'): UnixDgramSocket;
}

/** The optional native module, or a clear error: only a unix:// statsd_host needs it. */
function loadUnixDgram(path: string): UnixDgramModule {
  try {
    return createRequire(import.meta.url)('unix-dgram') as UnixDgramModule;
  } catch {
    throw new GunicornError('GTS_ERR_STARTUP', `statsd_host: unix://${path} needs the optional package unix-dgram (a native module; Node has no Unix datagram sockets): run \`npm install unix-dgram\` beside gunicorn-ts, or send statsd over UDP with HOST:PORT`);
  }
}

/** Start-up check (shared by --check-config and a real start): a unix:// address can be served. */
export function validateStatsdHost(statsdHost: string | null): void {
  if (statsdHost === null || statsdHost === '') return;
  const target = parseStatsdAddress(statsdHost);
  if (target.kind === 'unix') loadUnixDgram(target.path);
}

function unixSender(path: string, report: ErrorReporter): StatsdSender {
  const socket = loadUnixDgram(path).createSocket('unix_dgram');
  socket.on('error', (err) => report(`statsd: ${err.message}`));
  return {
    send(line) {
      const buf = Buffer.from(line);
      socket.send(buf, 0, buf.length, path, (err) => {
        if (err) report(`statsd: ${err.message}`);
      });
    },
    close: async () => socket.close(),
  };
}

export function createSender(target: StatsdTarget, report: ErrorReporter): StatsdSender {
  return target.kind === 'udp' ? udpSender(target.host, target.port, report) : unixSender(target.path, report);
}
