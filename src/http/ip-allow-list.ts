// Parses the comma lists of `forwarded_allow_ips` and `proxy_allow_ips` ("*", IPv4, IPv6,
// CIDR ranges) and answers whether a peer address is in one. IPv4-mapped IPv6 peers
// ("::ffff:127.0.0.1", what a dual-stack socket reports) match their IPv4 entries.

import net from 'node:net';

export interface AllowList {
  /** "*" was listed: every peer is trusted. */
  readonly any: boolean;
  /** The entries as written, normalised, for logs and --print-config. */
  readonly entries: readonly string[];
  readonly blocks: net.BlockList;
}

export class AllowListError extends Error {
  constructor(readonly setting: string, readonly entry: string, reason: string) {
    super(`${setting}: "${entry}" is not ${reason}`);
    this.name = 'AllowListError';
  }
}

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Strips brackets and a zone id ("[fe80::1%eth0]" → "fe80::1") and unwraps IPv4-mapped IPv6. */
export function normaliseAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = MAPPED_V4.exec(a);
  return mapped ? mapped[1]! : a.toLowerCase();
}

/**
 * 4, 6 or 0 (not an address), as net.isIP answers, without its IPv6 regular expression:
 * compiling that on first use costs every process 3-6 ms of start-up (the default list holds
 * "::1"). SocketAddress checks an IPv6 address with libuv's inet_pton instead.
 */
function entryFamily(address: string): 0 | 4 | 6 {
  if (net.isIPv4(address)) return 4;
  if (!address.includes(':')) return 0;
  try {
    new net.SocketAddress({ address, family: 'ipv6' });
    return 6;
  } catch {
    return 0;
  }
}

function addEntry(blocks: net.BlockList, setting: string, raw: string): string {
  const slash = raw.indexOf('/');
  const address = normaliseAddress(slash >= 0 ? raw.slice(0, slash) : raw);
  const family = entryFamily(address);
  if (family === 0) throw new AllowListError(setting, raw, 'an IP address, a CIDR range or "*"');
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (slash < 0) {
    blocks.addAddress(address, type);
    return address;
  }
  const prefixText = raw.slice(slash + 1);
  const prefix = Number(prefixText);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || prefix > max) {
    throw new AllowListError(setting, raw, `a valid CIDR range (prefix 0-${max})`);
  }
  blocks.addSubnet(address, prefix, type);
  return `${address}/${prefix}`;
}

/**
 * Parses "127.0.0.1, 10.0.0.0/8, ::1" or "*" (a string or an already split list).
 * Throws AllowListError naming `setting` and the bad entry.
 */
export function parseAllowList(spec: string | readonly string[], setting = 'forwarded_allow_ips'): AllowList {
  const parts = (typeof spec === 'string' ? spec.split(',') : spec.flatMap((s) => s.split(',')))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const blocks = new net.BlockList();
  const entries: string[] = [];
  let any = false;
  for (const part of parts) {
    if (part === '*') {
      any = true;
      entries.push('*');
    } else {
      entries.push(addEntry(blocks, setting, part));
    }
  }
  return Object.freeze({ any, entries: Object.freeze(entries), blocks });
}

/** True when `address` (as a socket reports it) is in the list; an unknown address never is, unless "*". */
export function isAllowed(list: AllowList, address: string | undefined | null): boolean {
  if (list.any) return true;
  if (!address) return false;
  const a = normaliseAddress(address);
  const family = net.isIP(a);
  if (family === 0) return false;
  // BlockList also matches an IPv4 rule against "::ffff:a.b.c.d"; unwrapping first makes
  // IPv6 rules written as mapped addresses behave the same way.
  return list.blocks.check(a, family === 4 ? 'ipv4' : 'ipv6');
}
