// Picks the HTTP edge's settings out of a resolved settings record (the worker's
// WorkerInit.settings, or the arbiter's Config) with type checks. The registry in
// src/config is the one source of defaults: an absent key takes the declared default.

import { findSetting } from '../config/registry.js';
import type { EdgeSettings } from './edge.js';

type SettingsRecord = Readonly<Record<string, unknown>>;

export class EdgeSettingTypeError extends Error {
  constructor(readonly setting: string, value: unknown, expected: string) {
    super(`${setting}: ${JSON.stringify(value)} is not ${expected}`);
    this.name = 'EdgeSettingTypeError';
  }
}

function pick<T>(r: SettingsRecord, name: string, ok: (v: unknown) => boolean, expected: string): T {
  const v = r[name] === undefined ? findSetting(name)?.default : r[name];
  if (!ok(v)) throw new EdgeSettingTypeError(name, v, expected);
  return v as T;
}

const isInt = (v: unknown): boolean => Number.isInteger(v);
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): boolean => typeof v === 'boolean';
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isList = (v: unknown): boolean => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
const isProxyMode = (v: unknown): boolean => typeof v === 'boolean' || v === 'off' || v === 'v1' || v === 'v2' || v === 'auto';
const isHeaderMap = (v: unknown): boolean => v === 'drop' || v === 'refuse' || v === 'dangerous';
const isStringMap = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

export function edgeSettingsFrom(r: SettingsRecord): EdgeSettings {
  return {
    limit_request_line: pick(r, 'limit_request_line', isInt, 'an integer'),
    limit_request_fields: pick(r, 'limit_request_fields', isInt, 'an integer'),
    limit_request_field_size: pick(r, 'limit_request_field_size', isInt, 'an integer'),
    timeout: pick(r, 'timeout', isNum, 'a number'),
    keepalive: pick(r, 'keepalive', isNum, 'a number'),
    proxy_protocol: pick(r, 'proxy_protocol', isProxyMode, 'off, v1, v2 or auto'),
    header_map: pick(r, 'header_map', isHeaderMap, 'drop, refuse or dangerous'),
    forwarder_headers: pick(r, 'forwarder_headers', isList, 'a comma list'),
    proxy_allow_ips: pick(r, 'proxy_allow_ips', isList, 'a comma list'),
    forwarded_allow_ips: pick(r, 'forwarded_allow_ips', isList, 'a comma list'),
    secure_scheme_headers: pick(r, 'secure_scheme_headers', isStringMap, 'a map of header → value'),
    certfile: pick(r, 'certfile', isStrOrNull, 'a path'),
    keyfile: pick(r, 'keyfile', isStrOrNull, 'a path'),
    ca_certs: pick(r, 'ca_certs', isStrOrNull, 'a path'),
    cert_reqs: pick(r, 'cert_reqs', isInt, 'an integer'),
    ciphers: pick(r, 'ciphers', isStrOrNull, 'a cipher list'),
    ssl_version: pick(r, 'ssl_version', (v) => v === null || typeof v === 'string' || isInt(v), 'a protocol name'),
    do_handshake_on_connect: pick(r, 'do_handshake_on_connect', isBool, 'a boolean'),
    suppress_ragged_eofs: pick(r, 'suppress_ragged_eofs', isBool, 'a boolean'),
  };
}
