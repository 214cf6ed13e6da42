// Sends log lines to a syslog daemon, RFC 3164 with a `TAG[PID]: ` prefix, over the four
// `syslog_addr` forms: UDP and TCP through syslog-client, Unix stream through net, Unix
// datagram through a util-linux `logger` child (Node has no Unix datagram sockets). A
// daemon that is down or goes away never throws here: failures go to `report`, rate-limited.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import { delimiter, join } from 'node:path';
import { createRequire } from 'node:module';
import type SyslogClient from 'syslog-client';
import type { ErrorReporter } from './types.js';
import { formatLocal3164, oneLine, type SyslogTarget } from './syslog-addr.js';

export interface SyslogSink {
  send(severity: number, msg: string): void;
  close(): void;
}

export interface SyslogOptions {
  target: SyslogTarget;
  facility: number;
  tag: string;
  pid: number;
  report: ErrorReporter;
  /** syslog-client's idle TCP timeout (ms); its default is 10 s. */
  tcpTimeout?: number;
}

/** Reports one failure per interval, so a dead daemon does not flood the error log. */
function rateLimited(report: ErrorReporter, intervalMs = 10_000): ErrorReporter {
  let last = -Infinity;
  return (message) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    report(message);
  };
}

// Loaded only by processes that log to syslog over the network.
const requireLazily = createRequire(import.meta.url);

function networkSink(o: SyslogOptions & { target: { kind: 'udp' | 'tcp'; host: string; port: number } }): SyslogSink {
  const syslogClient = requireLazily('syslog-client') as typeof SyslogClient;
  const report = rateLimited(o.report);
  const client = syslogClient.createClient(o.target.host, {
    port: o.target.port,
    transport: o.target.kind === 'tcp' ? syslogClient.Transport.Tcp : syslogClient.Transport.Udp,
    rfc3164: true,
    tcpTimeout: o.tcpTimeout ?? 10_000,
  });
  // syslog-client emits 'error' for an idle TCP connection (its timeout) and for a closed
  // one; with no listener that would crash the process. The idle timeout is not a failure.
  client.on('error', (err: Error) => {
    if (err.message !== 'connection timed out' && err.message !== 'connection closed') {
      report(`syslog ${o.target.kind}://${o.target.host}:${o.target.port}: ${err.message}`);
    }
  });
  return {
    send(severity, msg) {
      client.log(`${o.tag}[${o.pid}]: ${oneLine(msg)}`, { facility: o.facility, severity }, () => {});
    },
    close() {
      client.close();
    },
  };
}

/** A Unix stream socket, connected on first use and again after a failure (1 s apart). */
function unixStreamSink(o: SyslogOptions & { target: { kind: 'unix'; path: string } }): SyslogSink {
  const report = rateLimited(o.report);
  let socket: net.Socket | null = null;
  let failedAt = -Infinity;
  const connect = (): net.Socket | null => {
    if (socket !== null) return socket;
    if (Date.now() - failedAt < 1000) return null;
    const s = net.createConnection(o.target.path);
    s.on('error', (err) => {
      failedAt = Date.now();
      report(`syslog unix://${o.target.path}#stream: ${err.message}`);
      s.destroy();
    });
    s.on('close', () => { if (socket === s) socket = null; });
    s.unref();
    socket = s;
    return s;
  };
  return {
    send(severity, msg) {
      // net buffers writes made before 'connect', so nothing is lost while connecting.
      connect()?.write(formatLocal3164(o.facility, severity, o.tag, o.pid, msg, new Date()));
    },
    close() {
      socket?.end();
      socket = null;
    },
  };
}

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch { /* not in this directory */ }
  }
  return null;
}

/**
 * A Unix datagram socket (`/dev/log`). Node cannot send datagrams on a Unix socket without a
 * native addon, so one long-lived util-linux `logger` child per process relays our lines:
 * `--prio-prefix` reads `<PRI>` from each line, `--id` puts our pid in the tag.
 */
function unixDgramSink(o: SyslogOptions & { target: { kind: 'unix'; path: string } }): SyslogSink {
  const logger = onPath('logger');
  if (logger === null) {
    throw new Error(`syslog_addr unix://${o.target.path}#dgram needs util-linux "logger" on PATH ` +
      '(Node cannot send Unix datagrams); use unix://PATH#stream, udp://HOST:PORT or tcp://HOST:PORT');
  }
  const report = rateLimited(o.report);
  const child: ChildProcess = spawn(logger, ['--socket', o.target.path, '--prio-prefix', '--rfc3164',
    '--tag', o.tag, `--id=${o.pid}`, '--socket-errors=off'], { stdio: ['pipe', 'ignore', 'ignore'] });
  child.on('error', (err) => report(`syslog unix://${o.target.path}#dgram: ${err.message}`));
  child.stdin?.on('error', (err) => report(`syslog unix://${o.target.path}#dgram: ${err.message}`));
  // The relay must not keep an otherwise finished process alive.
  child.unref();
  // A piped stdin is a net.Socket (typed as a plain Writable), which can be unref'd.
  if (child.stdin instanceof net.Socket) child.stdin.unref();
  return {
    send(severity, msg) {
      if (child.stdin?.writable === true) child.stdin.write(`<${o.facility * 8 + severity}>${oneLine(msg)}\n`);
    },
    close() {
      child.stdin?.end();
    },
  };
}

/** A sink for `o.target`; throws (a clear message) only for an unusable configuration. */
export function createSyslogSink(o: SyslogOptions): SyslogSink {
  const t = o.target;
  if (t.kind === 'unix') return t.type === 'stream' ? unixStreamSink({ ...o, target: t }) : unixDgramSink({ ...o, target: t });
  return networkSink({ ...o, target: t });
}
