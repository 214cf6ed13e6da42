// The human-readable error-log line, Gunicorn's shape:
// `[2026-11-21 23:15:30 +0000] [1234] [INFO] Listening at: http://127.0.0.1:8000 (1234)`.
// Pure: it turns one parsed pino record into one text line (plus an indented stack).

const OWN_KEYS = new Set(['level', 'time', 'pid', 'msg', 'hostname', 'err', 'worker', 'gen']);

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-11-21 23:15:30 +0000` in local time. */
export function prettyTime(d: Date): string {
  const off = -d.getTimezoneOffset();
  const zone = `${off >= 0 ? '+' : '-'}${two(Math.floor(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`;
}

function show(v: unknown): string {
  return typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v);
}

/** One pino JSON record → one pretty line ending in '\n'; extra fields follow as key=value. */
export function prettyLine(record: Record<string, unknown>): string {
  const time = typeof record.time === 'string' || typeof record.time === 'number'
    ? new Date(record.time) : new Date();
  const level = String(record.level ?? 'info').toUpperCase();
  let line = `[${prettyTime(time)}] [${String(record.pid ?? process.pid)}] [${level}] ${String(record.msg ?? '')}`;
  const extras = Object.keys(record).filter((k) => !OWN_KEYS.has(k));
  if (extras.length > 0) line += ' ' + extras.map((k) => `${k}=${show(record[k])}`).join(' ');
  const err = record.err as { stack?: unknown; message?: unknown } | undefined;
  if (err !== undefined && err !== null) {
    const stack = typeof err.stack === 'string' ? err.stack : String(err.message ?? err);
    line += '\n' + stack.split('\n').map((l) => `    ${l}`).join('\n');
  }
  return line + '\n';
}
