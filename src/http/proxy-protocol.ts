// Pure parser for PROXY protocol headers (v1 text, v2 binary) at the start of a byte stream,
// as sent by haproxy, stunnel, AWS NLB and others in front of the server. It never touches a
// socket: feed it what has arrived so far and it says parsed, needMore or invalid.

import net from 'node:net';

export type ProxyFamily = 'TCP4' | 'TCP6' | 'UNKNOWN';

export interface ProxyHeader {
  readonly version: 1 | 2;
  /** 'local': a health check by the proxy itself (v2 LOCAL); the socket's own addresses apply. */
  readonly command: 'proxy' | 'local';
  /** UNKNOWN: v1 "PROXY UNKNOWN", v2 UNSPEC/UDP/unix: no usable addresses, the socket's own apply. */
  readonly family: ProxyFamily;
  readonly source: string | null;
  readonly sourcePort: number | null;
  readonly dest: string | null;
  readonly destPort: number | null;
  /** Bytes the header occupies; the HTTP stream starts right after. */
  readonly headerLength: number;
}

export type ProxyParse =
  | { readonly kind: 'parsed'; readonly header: ProxyHeader }
  | { readonly kind: 'needMore' }
  /** The bytes cannot start a PROXY header (in auto mode: a direct connection). */
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid'; readonly reason: string };

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
/** The v1 spec bounds a header line, CRLF included. */
const V1_MAX = 107;
export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED = 16;

const NEED_MORE: ProxyParse = Object.freeze({ kind: 'needMore' });
const ABSENT: ProxyParse = Object.freeze({ kind: 'absent' });
const invalid = (reason: string): ProxyParse => ({ kind: 'invalid', reason });

/** True when `buf` is a (possibly partial) prefix of `sig`, or starts with it. */
function matchesPrefix(buf: Buffer, sig: Buffer): boolean {
  const n = Math.min(buf.length, sig.length);
  return buf.subarray(0, n).equals(sig.subarray(0, n));
}

export function parseProxyHeader(buf: Buffer): ProxyParse {
  if (buf.length === 0) return NEED_MORE;
  if (matchesPrefix(buf, V2_SIGNATURE)) return buf.length < V2_FIXED ? NEED_MORE : parseV2(buf);
  if (matchesPrefix(buf, V1_PREFIX)) return buf.length < V1_PREFIX.length ? NEED_MORE : parseV1(buf);
  return ABSENT;
}

function port(text: string | undefined): number | null {
  if (text === undefined || !/^(0|[1-9]\d{0,4})$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

function parseV1(buf: Buffer): ProxyParse {
  const end = buf.indexOf('\r\n', 0, 'latin1');
  if (end < 0) return buf.length >= V1_MAX ? invalid('v1 header longer than 107 bytes') : NEED_MORE;
  if (end + 2 > V1_MAX) return invalid('v1 header longer than 107 bytes');
  const parts = buf.toString('latin1', 0, end).split(' ');
  const family = parts[1];
  if (family === 'UNKNOWN') return parsed(1, 'proxy', 'UNKNOWN', null, end + 2);
  if ((family !== 'TCP4' && family !== 'TCP6') || parts.length !== 6) return invalid('malformed v1 header');
  const [, , src, dst, sp, dp] = parts;
  const want = family === 'TCP4' ? 4 : 6;
  const sourcePort = port(sp);
  const destPort = port(dp);
  if (net.isIP(src!) !== want || net.isIP(dst!) !== want) return invalid(`v1 ${family} header with a bad address`);
  if (sourcePort === null || destPort === null) return invalid('v1 header with a bad port');
  return parsed(1, 'proxy', family, { source: src!, sourcePort, dest: dst!, destPort }, end + 2);
}

interface Addresses { source: string; sourcePort: number; dest: string; destPort: number }

function parsed(version: 1 | 2, command: 'proxy' | 'local', family: ProxyFamily, a: Addresses | null, headerLength: number): ProxyParse {
  const header: ProxyHeader = {
    version, command, family, headerLength,
    source: a?.source ?? null, sourcePort: a?.sourcePort ?? null,
    dest: a?.dest ?? null, destPort: a?.destPort ?? null,
  };
  return { kind: 'parsed', header };
}

function ipv6(buf: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(buf.readUInt16BE(at + i).toString(16));
  // Round-trip through URL parsing gives the canonical compressed form ("::1").
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function parseV2(buf: Buffer): ProxyParse {
  const verCmd = buf[12]!;
  if (verCmd >> 4 !== 2) return invalid(`v2 header with version ${verCmd >> 4}`);
  const cmd = verCmd & 0x0f;
  if (cmd > 1) return invalid(`v2 header with unknown command ${cmd}`);
  const famProto = buf[13]!;
  const length = buf.readUInt16BE(14);
  const total = V2_FIXED + length;
  if (buf.length < total) return NEED_MORE;
  if (cmd === 0) return parsed(2, 'local', 'UNKNOWN', null, total);
  if (famProto === 0x11) {
    if (length < 12) return invalid('v2 TCP4 header too short');
    const a = { source: ip4(buf, 16), dest: ip4(buf, 20), sourcePort: buf.readUInt16BE(24), destPort: buf.readUInt16BE(26) };
    return parsed(2, 'proxy', 'TCP4', a, total);
  }
  if (famProto === 0x21) {
    if (length < 36) return invalid('v2 TCP6 header too short');
    const a = { source: ipv6(buf, 16), dest: ipv6(buf, 32), sourcePort: buf.readUInt16BE(48), destPort: buf.readUInt16BE(50) };
    return parsed(2, 'proxy', 'TCP6', a, total);
  }
  const known = [0x00, 0x12, 0x22, 0x31, 0x32];
  if (known.includes(famProto)) return parsed(2, 'proxy', 'UNKNOWN', null, total);
  return invalid(`v2 header with unknown family/protocol 0x${famProto.toString(16)}`);
}

function ip4(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}
