// Gunicorn's access-log format: `%(atom)s` placeholders filled from one finished request.
// compileAccessFormat() parses a format once into literal pieces and per-atom getters (the
// per-request path: no regex, only the atoms used), and can encode a line straight into a
// Buffer (line-bytes.ts). accessAtoms() + formatAccessLine() are the reference form of the
// same rules. Writing the line is logger.ts's job.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { edgeClientAddress } from '../http/forwarded.js';
import { firstRawHeader } from '../http/raw-headers.js';
import { putBytes, putNumber, putText } from './line-bytes.js';

/** What the worker knows about a finished request. */
export interface AccessRecord {
  req: IncomingMessage;
  res: ServerResponse;
  /** Wall-clock time the request arrived, in milliseconds since the epoch (`new Date(startedMs)`). */
  startedMs: number;
  /** Milliseconds from the request's arrival until its response closed (sub-microsecond resolution). */
  durationMs: number;
  responseBytes: number;
  /** The peer address read when the request arrived (a closed connection's socket has none). */
  remoteAddress?: string | undefined;
  /**
   * The request target as it arrived. Frameworks rewrite `req.url` while routing (Express
   * strips a router's mount path, koa-mount does the same), and Gunicorn logs the request line
   * the client sent; without it the atoms fall back to `req.url`.
   */
  target?: string | undefined;
}

/**
 * Atom name → value. Plain atoms use their letter (`h`, `s`, …); headers use
 * `{name}i` / `{name}o` with the name in lower case; environment variables `{NAME}e`.
 */
export type AccessAtoms = Readonly<Record<string, string>>;

const PLACEHOLDER = /%\(([^)]*)\)s|%%/g;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Header atoms are looked up case-insensitively, as HTTP header names are. */
function atomKey(name: string): string {
  return /^\{.*\}[io]$/.test(name) ? name.toLowerCase() : name;
}

/** Fills every `%(atom)s` of `format`; an atom with no value prints `-`, `%%` prints `%`. */
export function formatAccessLine(format: string, atoms: AccessAtoms): string {
  return format.replace(PLACEHOLDER, (whole, name: string | undefined) =>
    name === undefined ? '%' : atoms[atomKey(name)] ?? '-');
}

/** The atom names a format uses, so accessAtoms() computes only those. */
export function formatAtoms(format: string): string[] {
  const names = new Set<string>();
  for (const m of format.matchAll(PLACEHOLDER)) if (m[1] !== undefined) names.add(atomKey(m[1]));
  return [...names];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The last second formatAccessTime() printed (the zone is read again each new second). */
let timeCache = { second: NaN, text: '', bytes: Buffer.alloc(0) };

/** The cached time of `ms`'s second, built anew when the second changes. */
function accessTime(ms: number): typeof timeCache {
  // Every request of the same second prints the same text: build it once per second.
  const second = Math.floor(ms / 1000);
  if (second !== timeCache.second) {
    const text = buildAccessTime(new Date(ms));
    timeCache = { second, text, bytes: Buffer.from(text) };
  }
  return timeCache;
}

/** `[21/Nov/2026:23:15:30 +0000]` in local time for `ms` since the epoch, as Apache and Gunicorn print it. */
export function formatAccessTime(ms: number): string {
  return accessTime(ms).text;
}

function buildAccessTime(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
  return `[${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone}]`;
}

/** The user name of Basic authentication, as later Gunicorn versions print for `u`. */
function basicUser(header: string | undefined): string | undefined {
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function headerValue(v: string | string[] | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

type AtomFn = (r: AccessRecord) => string | undefined;

/** The HTTP edge's client: the PROXY protocol's source, or X-Forwarded-For from a trusted proxy. */
function clientAddress(r: AccessRecord): string | undefined {
  // The address noted at arrival is already the PROXY protocol's source, and the edge has
  // removed X-Forwarded-For unless a trusted proxy sent it: without that header the edge's
  // answer is that address, found without its per-connection lookups.
  if (r.remoteAddress !== undefined && firstRawHeader(r.req.rawHeaders, 'x-forwarded-for') === undefined) return r.remoteAddress;
  return edgeClientAddress(r.req) ?? r.remoteAddress ?? r.req.socket.remoteAddress;
}

const targetOf = (r: AccessRecord): string => r.target ?? r.req.url ?? '';
const dash = (v: string | undefined): string => (v === undefined || v === '' ? '-' : v);
/** Whole microseconds of a duration, truncated as Gunicorn's timedelta arithmetic does. */
const micros = (r: AccessRecord): number => Math.floor(r.durationMs * 1000);

/**
 * Atoms whose value is a number, printed as String() prints it; undefined prints '-'. Both
 * the text getter and the byte writer of each are made from this one table.
 */
const NUMBERS: Readonly<Record<string, (r: AccessRecord) => number | undefined>> = {
  s: (r) => r.res.statusCode,
  b: (r) => (r.responseBytes > 0 ? r.responseBytes : undefined),
  B: (r) => r.responseBytes,
  T: (r) => Math.floor(micros(r) / 1_000_000),
  D: micros,
  M: (r) => Math.floor(micros(r) / 1000),
};

function numberText(value: (r: AccessRecord) => number | undefined): AtomFn {
  return (r) => {
    const n = value(r);
    return n === undefined ? undefined : String(n);
  };
}

const PLAIN: Readonly<Record<string, AtomFn>> = {
  h: clientAddress,
  l: () => '-',
  u: (r) => basicUser(firstRawHeader(r.req.rawHeaders, 'authorization')),
  t: (r) => formatAccessTime(r.startedMs),
  r: (r) => `${r.req.method} ${targetOf(r)} HTTP/${r.req.httpVersion}`,
  f: (r) => firstRawHeader(r.req.rawHeaders, 'referer'),
  a: (r) => firstRawHeader(r.req.rawHeaders, 'user-agent'),
  L: (r) => {
    const us = micros(r);
    return `${Math.floor(us / 1_000_000)}.${pad(us % 1_000_000, 6)}`;
  },
  p: () => `<${process.pid}>`,
  m: (r) => r.req.method,
  U: (r) => targetOf(r).split('?', 1)[0],
  q: (r) => {
    const url = targetOf(r);
    const at = url.indexOf('?');
    return at < 0 ? undefined : url.slice(at + 1);
  },
  H: (r) => `HTTP/${r.req.httpVersion}`,
  ...Object.fromEntries(Object.entries(NUMBERS).map(([name, value]) => [name, numberText(value)])),
};

/** Every plain atom accessAtoms() knows, for docs and for callers that want them all. */
export const PLAIN_ATOMS: readonly string[] = Object.keys(PLAIN);

/** Plain atoms whose getter always returns non-empty text. */
const NEVER_EMPTY = new Set(['l', 't', 'r', 's', 'B', 'T', 'D', 'M', 'L', 'p', 'H']);

/** The getter of one atom name; every getter returns the printed text ('-' when empty). */
function atomGetter(name: string): (r: AccessRecord) => string {
  const plain = PLAIN[name];
  if (plain !== undefined) {
    // One call per atom on the per-request path: only atoms that can be empty need dash().
    return NEVER_EMPTY.has(name) ? plain as (r: AccessRecord) => string : (r) => dash(plain(r));
  }
  const m = /^\{(.*)\}([ioe])$/.exec(name);
  if (m === null) return () => '-';
  const key = m[1] ?? '';
  if (m[2] === 'i') return (r) => dash(headerValue(r.req.headers[key]));
  if (m[2] === 'o') return (r) => dash(headerValue(r.res.getHeader(key)));
  return () => dash(process.env[key]);
}

/** Writes one atom's text into `buf` at `at` (line-bytes.ts: returns the end, or FULL). */
type AtomWriter = (r: AccessRecord, buf: Buffer, at: number) => number;

const SPACE = Buffer.from(' ');
const SPACE_HTTP = Buffer.from(' HTTP/');
const DASH = Buffer.from('-');

function numberWriter(value: (r: AccessRecord) => number | undefined): AtomWriter {
  return (r, buf, at) => {
    const n = value(r);
    return n === undefined ? putBytes(buf, at, DASH) : putNumber(buf, at, n);
  };
}

/**
 * Atoms that write their value without building its text: numbers digit by digit, the
 * time from its cached bytes, the request line piece by piece. The same bytes as their
 * getters' text; every other atom writes its getter's text.
 */
const WRITERS: Readonly<Record<string, AtomWriter>> = {
  t: (r, buf, at) => putBytes(buf, at, accessTime(r.startedMs).bytes),
  r: (r, buf, at) => {
    // A server's requests always have both; the defaults print what the getter's template would.
    const { method = 'undefined', url: routedUrl = 'undefined', httpVersion } = r.req;
    const url = r.target ?? routedUrl;
    const methodEnd = putBytes(buf, putText(buf, at, method), SPACE);
    return putText(buf, putBytes(buf, putText(buf, methodEnd, url), SPACE_HTTP), httpVersion);
  },
  ...Object.fromEntries(Object.entries(NUMBERS).map(([name, value]) => [name, numberWriter(value)])),
};

/** The writer of one atom name. */
function atomWriter(name: string): AtomWriter {
  const own = WRITERS[name];
  if (own !== undefined) return own;
  const text = atomGetter(name);
  return (r, buf, at) => putText(buf, at, text(r));
}

function computeAtom(name: string, r: AccessRecord): string {
  return atomGetter(name)(r);
}

/**
 * The atoms of one request. `names` limits the work to the atoms a format uses
 * (formatAtoms()); without it every plain atom and every request/response header is set.
 * Reads process.pid and process.env, otherwise pure.
 */
export function accessAtoms(record: AccessRecord, names?: readonly string[]): AccessAtoms {
  const out: Record<string, string> = {};
  let wanted = names;
  if (wanted === undefined) {
    wanted = [
      ...PLAIN_ATOMS,
      ...Object.keys(record.req.headers).map((h) => `{${h}}i`),
      ...Object.keys(record.res.getHeaders()).map((h) => `{${h}}o`),
    ];
  }
  for (const name of wanted) out[name] = computeAtom(name, record);
  return out;
}

/** An access_log_format parsed once; line() fills it for one request. */
export interface CompiledAccessFormat {
  /** The atoms the format uses, as formatAtoms() lists them. */
  readonly atoms: readonly string[];
  /** The filled format followed by `suffix` (e.g. '\n'); same text as formatAccessLine(). */
  line(record: AccessRecord): string;
  /**
   * Writes line()'s text as UTF-8 into `buf` from `at`, without building it: returns the
   * offset after it, or FULL (line-bytes.ts) when it does not fit. A plain function.
   */
  readonly encode: (record: AccessRecord, buf: Buffer, at: number) => number;
}

/** `l` and `p` read nothing from the record. */
const EMPTY_RECORD = {} as AccessRecord;

/**
 * Parses `format` into literal pieces and, per atom, a getter (for line()) and a writer
 * (for encode()), so a line costs only the atoms the format names. Same rules as
 * formatAccessLine().
 */
export function compileAccessFormat(format: string, suffix = ''): CompiledAccessFormat {
  const texts: string[] = [];
  const getters: Array<(r: AccessRecord) => string> = [];
  const writers: AtomWriter[] = [];
  let text = '';
  let last = 0;
  for (const m of format.matchAll(PLACEHOLDER)) {
    text += format.slice(last, m.index);
    last = (m.index ?? 0) + m[0].length;
    if (m[1] === undefined) { text += '%'; continue; }
    const name = atomKey(m[1]);
    // `l` and `p` print the same text on every line of this process: part of the literal.
    if (name === 'l' || name === 'p') { text += atomGetter(name)(EMPTY_RECORD); continue; }
    texts.push(text);
    text = '';
    getters.push(atomGetter(name));
    writers.push(atomWriter(name));
  }
  texts.push(text + format.slice(last) + suffix);
  const atoms = formatAtoms(format);
  const count = getters.length;
  const first = texts[0] ?? '';
  const literals = texts.map((t) => Buffer.from(t));
  const firstBytes = literals[0]!;
  return {
    atoms,
    line(r: AccessRecord): string {
      let out = first;
      for (let i = 0; i < count; i++) out += getters[i]!(r) + texts[i + 1]!;
      return out;
    },
    encode(r: AccessRecord, buf: Buffer, at: number): number {
      let end = putBytes(buf, at, firstBytes);
      for (let i = 0; i < count; i++) end = putBytes(buf, writers[i]!(r, buf, end), literals[i + 1]!);
      return end;
    },
  };
}
