// The `bind` setting's address forms: parsing text into a BindAddress and formatting it
// back into the canonical label used in logs. Pure: no DNS, no sockets (a hostname stays a
// hostname here; bind.ts resolves it).
import { isIP, isIPv6 } from 'node:net';

export type BindAddress =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string }
  | { kind: 'fd'; fd: number };

/** Gunicorn's port when an address names only a host. */
export const DEFAULT_PORT = 8000;
/** Gunicorn binds every interface (IPv4) for `:PORT`. */
export const ALL_INTERFACES = '0.0.0.0';

const ACCEPTED_FORMS = 'HOST, HOST:PORT, :PORT, [IPV6]:PORT, unix:PATH or fd://N';
// Hostname labels (RFC 1123) plus '_', which some private DNS setups use.
const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

export class BindAddressError extends Error {
  readonly text: string;
  constructor(text: string, reason: string) {
    super(`invalid bind address ${JSON.stringify(text)}: ${reason} (accepted forms: ${ACCEPTED_FORMS})`);
    this.name = 'BindAddressError';
    this.text = text;
  }
}

export function parseBindAddress(text: string): BindAddress {
  if (typeof text !== 'string' || text.trim() === '') throw new BindAddressError(String(text), 'it is empty');
  if (text !== text.trim()) throw new BindAddressError(text, 'it has leading or trailing spaces');
  if (text.startsWith('unix:')) return parseUnix(text);
  if (text.startsWith('fd://')) return parseFd(text);
  const rest = text.startsWith('tcp://') ? text.slice('tcp://'.length) : text;
  if (rest.startsWith('[')) return parseBracketed(text, rest);
  return parseHostPort(text, rest);
}

export function formatBindAddress(a: BindAddress): string {
  switch (a.kind) {
    case 'tcp':
      return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
    case 'unix':
      return `unix:${a.path}`;
    case 'fd':
      return `fd://${a.fd}`;
  }
}

function parseUnix(text: string): BindAddress {
  // Gunicorn accepts both unix:PATH and unix://PATH.
  const path = text.startsWith('unix://') ? text.slice('unix://'.length) : text.slice('unix:'.length);
  if (path === '') throw new BindAddressError(text, 'the socket path is empty');
  if (path.includes('\0')) throw new BindAddressError(text, 'the socket path contains a NUL byte');
  return { kind: 'unix', path };
}

function parseFd(text: string): BindAddress {
  const digits = text.slice('fd://'.length);
  if (!/^\d+$/.test(digits)) throw new BindAddressError(text, 'the file descriptor must be a non-negative integer');
  const fd = Number(digits);
  if (!Number.isSafeInteger(fd)) throw new BindAddressError(text, 'the file descriptor is too large');
  return { kind: 'fd', fd };
}

function parseBracketed(text: string, rest: string): BindAddress {
  const close = rest.indexOf(']');
  if (close < 0) throw new BindAddressError(text, "the '[' of an IPv6 address has no matching ']'");
  const host = rest.slice(1, close);
  if (!isIPv6(host)) throw new BindAddressError(text, `${JSON.stringify(host)} is not an IPv6 address`);
  const after = rest.slice(close + 1);
  if (after === '') return { kind: 'tcp', host, port: DEFAULT_PORT };
  if (!after.startsWith(':')) throw new BindAddressError(text, "expected ':PORT' after ']'");
  return { kind: 'tcp', host, port: parsePort(text, after.slice(1)) };
}

function parseHostPort(text: string, rest: string): BindAddress {
  const colons = rest.split(':').length - 1;
  if (colons > 1) {
    const hint = isIPv6(rest) ? `; write it as [${rest}]:${DEFAULT_PORT}` : '';
    throw new BindAddressError(text, `an IPv6 address needs brackets${hint}`);
  }
  if (colons === 0) return { kind: 'tcp', host: parseHost(text, rest), port: DEFAULT_PORT };
  const [hostText, portText] = rest.split(':') as [string, string];
  const host = hostText === '' ? ALL_INTERFACES : parseHost(text, hostText);
  return { kind: 'tcp', host, port: parsePort(text, portText) };
}

function parseHost(text: string, host: string): string {
  if (isIP(host) !== 0 || HOSTNAME.test(host)) return host;
  throw new BindAddressError(text, `${JSON.stringify(host)} is not an IP address or a host name`);
}

function parsePort(text: string, port: string): number {
  if (!/^\d+$/.test(port)) throw new BindAddressError(text, `the port ${JSON.stringify(port)} is not a number`);
  const n = Number(port);
  if (n > 65535) throw new BindAddressError(text, `the port ${n} is out of range (0-65535)`);
  return n;
}
