// The `[server:main]` section of a paste file as raw strings for the framework-INI config layer
// (which coerces and validates them by the settings schema). It folds PasteDeploy's `host` and
// `port` into Gunicorn's `bind`, and knows nothing about what the settings mean otherwise.
import { readPasteFile } from './paste-file.js';
import { PasteError } from './paste-error.js';
import { parseUse, type PasteSpec } from './spec.js';

export const SERVER_SECTION = 'server:main';
const SERVER_EGGS = ['gunicorn', 'gunicorn-ts'];

export interface PasteServerSettings {
  file: string;
  section: string;
  /** Setting name → value; a value written over several lines is a list of those lines. */
  values: Record<string, string | string[]>;
}

export function readPasteServerSettings(spec: PasteSpec): PasteServerSettings {
  const pf = readPasteFile(spec.file, undefined, spec.globalConf);
  const result: PasteServerSettings = { file: spec.file, section: SERVER_SECTION, values: {} };
  if (!pf.has(SERVER_SECTION)) return result;
  const ctx = pf.context(SERVER_SECTION);
  const where = { file: spec.file, section: SERVER_SECTION };
  const ref = parseUse(ctx.use, where);
  if (ref.scheme !== 'egg' || !SERVER_EGGS.includes(ref.target) || (ref.name ?? 'main') !== 'main') {
    throw new PasteError({ ...where, key: 'use' }, `"${ctx.use}" is not this server: use egg:gunicorn#main (or egg:gunicorn-ts#main)`);
  }
  const { host, port, ...rest } = ctx.localConf;
  for (const [key, value] of Object.entries(rest)) result.values[key] = asValue(value);
  if (host !== undefined || port !== undefined) {
    if (rest.bind !== undefined) {
      throw new PasteError({ ...where, key: host !== undefined ? 'host' : 'port' }, 'give either bind or host/port, not both');
    }
    result.values.bind = foldBind(host?.trim(), port?.trim());
  }
  return result;
}

/** host + port → "host:port"; host alone → as given (commas separate several); port alone → 127.0.0.1:port. */
function foldBind(host: string | undefined, port: string | undefined): string | string[] {
  if (!host) return `127.0.0.1:${port}`;
  // An IPv6 literal needs brackets before the port: [::1]:8000.
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (port) return `${bracketed}:${port}`;
  const hosts = host.split(',').map((h) => h.trim()).filter((h) => h !== '');
  return hosts.length === 1 ? hosts[0]! : hosts;
}

function asValue(value: string): string | string[] {
  return value.includes('\n') ? value.split('\n').map((v) => v.trim()).filter((v) => v !== '') : value;
}
