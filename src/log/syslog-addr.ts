// Pure parts of syslog: the `syslog_addr` forms, facility names → numbers, the tag and the
// RFC 3164 line. syslog.ts owns the sockets; nothing here does I/O.

export type SyslogTarget =
  | { kind: 'udp' | 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string; type: 'stream' | 'dgram' };

/** Facility codes of RFC 5424 table 1, under the names syslog.conf and Python use. */
export const FACILITIES: Readonly<Record<string, number>> = Object.freeze({
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, security: 4, syslog: 5, lpr: 6, news: 7,
  uucp: 8, cron: 9, authpriv: 10, ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
});

export function facilityNumber(name: string): number {
  const code = FACILITIES[name.trim().toLowerCase()];
  if (code === undefined) {
    throw new Error(`syslog_facility: unknown facility ${JSON.stringify(name)}; ` +
      `expected one of ${Object.keys(FACILITIES).join(', ')}`);
  }
  return code;
}

const SUPPORTED = 'udp://HOST:PORT, tcp://HOST:PORT, unix://PATH#stream or unix://PATH#dgram';

/** Parses Gunicorn's `syslog_addr` forms; a bad one is an Error naming the supported forms. */
export function parseSyslogAddr(addr: string): SyslogTarget {
  const bad = (why: string): Error =>
    new Error(`syslog_addr: ${why} in ${JSON.stringify(addr)}; supported forms: ${SUPPORTED}`);
  const m = /^(udp|tcp|unix):\/\/(.*)$/i.exec(addr.trim());
  if (m === null) throw bad('unknown scheme');
  const scheme = (m[1] ?? '').toLowerCase();
  const rest = m[2] ?? '';
  if (scheme === 'unix') {
    const [path = '', type = 'stream'] = rest.split('#', 2);
    if (path === '') throw bad('missing socket path');
    if (type !== 'stream' && type !== 'dgram') throw bad(`unknown socket type "${type}"`);
    return { kind: 'unix', path, type };
  }
  const hp = /^(?:\[([^\]]+)\]|([^:/]+))(?::(\d+))?$/.exec(rest);
  const host = hp?.[1] ?? hp?.[2];
  const port = hp?.[3] === undefined ? 514 : Number(hp[3]);
  if (host === undefined) throw bad('missing host');
  if (!(port > 0 && port < 65536)) throw bad(`bad port ${hp?.[3] ?? ''}`);
  return { kind: scheme === 'tcp' ? 'tcp' : 'udp', host, port };
}

/** The program name: `gunicorn-ts.<prefix>` with syslog_prefix, else proc_name, else gunicorn-ts. */
export function syslogTag(prefix: string | null, procName: string | null): string {
  if (prefix !== null && prefix !== '') return `gunicorn-ts.${prefix}`;
  return procName !== null && procName !== '' ? procName : 'gunicorn-ts';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Nov  1 23:15:30`: RFC 3164's local-time stamp, day padded with a space. */
export function rfc3164Time(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * One RFC 3164 line for a local socket: `<PRI>TIMESTAMP TAG[PID]: MSG\n`. Local daemons
 * (rsyslog imuxsock, syslog-ng) fill in the host name themselves, so none is sent.
 */
export function formatLocal3164(facility: number, severity: number, tag: string, pid: number,
  msg: string, now: Date): string {
  return `<${facility * 8 + severity}>${rfc3164Time(now)} ${tag}[${pid}]: ${oneLine(msg)}\n`;
}

/** A syslog record is one line: embedded newlines (stack traces) become ` | `. */
export function oneLine(msg: string): string {
  return msg.replace(/\r?\n/g, ' | ');
}
