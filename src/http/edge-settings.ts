// Picks the HTTP edge's settings out of the worker's resolved settings record (IPC
// WorkerInit.settings) with type checks. A missing key falls back to Gunicorn 19.2's
// default only until src/config declares that setting; the registry is the real source.

import type { EdgeSettings } from './edge.js';

type SettingsRecord = Readonly<Record<string, unknown>>;

export class EdgeSettingTypeError extends Error {
  constructor(readonly setting: string, value: unknown, expected: string) {
    super(`${setting}: ${JSON.stringify(value)} is not ${expected}`);
    this.name = 'EdgeSettingTypeError';
  }
}

function pick<T>(r: SettingsRecord, name: string, fallback: T, ok: (v: unknown) => boolean, expected: string): T {
  const v = r[name];
  if (v === undefined) return fallback;
  if (!ok(v)) throw new EdgeSettingTypeError(name, v, expected);
  return v as T;
}

const isInt = (v: unknown): boolean => Number.isInteger(v);
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): boolean => typeof v === 'boolean';
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isList = (v: unknown): boolean => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
const isStringMap = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

export function edgeSettingsFrom(r: SettingsRecord): EdgeSettings {
  return {
    limit_request_line: pick(r, 'limit_request_line', 4094, isInt, 'an integer'),
    limit_request_fields: pick(r, 'limit_request_fields', 100, isInt, 'an integer'),
    limit_request_field_size: pick(r, 'limit_request_field_size', 8190, isInt, 'an integer'),
    timeout: pick(r, 'timeout', 30, isNum, 'a number'),
    keepalive: pick<number | undefined>(r, 'keepalive', undefined, isNum, 'a number'),
    proxy_protocol: pick(r, 'proxy_protocol', false, isBool, 'a boolean'),
    proxy_allow_ips: pick<string | readonly string[]>(r, 'proxy_allow_ips', '127.0.0.1', isList, 'a comma list'),
    forwarded_allow_ips: pick<string | readonly string[]>(r, 'forwarded_allow_ips', '127.0.0.1', isList, 'a comma list'),
    secure_scheme_headers: pick<Record<string, string>>(r, 'secure_scheme_headers',
      { 'X-FORWARDED-PROTOCOL': 'ssl', 'X-FORWARDED-PROTO': 'https', 'X-FORWARDED-SSL': 'on' }, isStringMap, 'a map of header → value'),
    certfile: pick<string | null>(r, 'certfile', null, isStrOrNull, 'a path'),
    keyfile: pick<string | null>(r, 'keyfile', null, isStrOrNull, 'a path'),
    ca_certs: pick<string | null>(r, 'ca_certs', null, isStrOrNull, 'a path'),
    cert_reqs: pick(r, 'cert_reqs', 0, isInt, 'an integer'),
    ciphers: pick<string | null>(r, 'ciphers', null, isStrOrNull, 'a cipher list'),
    ssl_version: pick<string | number | null>(r, 'ssl_version', null, (v) => v === null || typeof v === 'string' || isInt(v), 'a protocol name'),
    do_handshake_on_connect: pick(r, 'do_handshake_on_connect', false, isBool, 'a boolean'),
    suppress_ragged_eofs: pick(r, 'suppress_ragged_eofs', true, isBool, 'a boolean'),
  };
}
