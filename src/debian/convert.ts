// `gunicorn-ts-debian convert NAME`: prints the NAME.conf.ts equivalent to Debian's legacy
// CONFIG file NAME, setting by setting (typed as gunicorn-ts reads them), so the operator can
// review it, save it beside the old file and remove that one. Writes nothing itself.
import { parseArgv } from '../config/sources/argv.js';
import { findSetting } from '../config/registry.js';
import { checkValue } from '../config/validate.js';
import { GunicornError } from '../errors.js';
import type { Instance } from './instances.js';
import { legacyArgv, readLegacyFile } from './legacy.js';

function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return JSON.stringify(value);
}

/** The text of NAME.conf.ts for a Debian legacy instance. */
export function convertLegacyInstance(instance: Instance): string {
  if (instance.kind !== 'debian') {
    throw new GunicornError('GTS_ERR_USAGE', `${instance.name} (${instance.file}) is already a gunicorn-ts instance file; convert reads Debian CONFIG = {...} files`);
  }
  const legacy = readLegacyFile(instance.file);
  const parsed = parseArgv(legacyArgv(legacy, instance.file), `${instance.file} args`);
  const entries: Array<[string, unknown]> = parsed.appModule === undefined ? [] : [['app', parsed.appModule]];
  entries.push(...parsed.values);
  const lines = [
    `// Converted by gunicorn-ts-debian from the Debian instance file ${instance.file}.`,
    `// Save it as ${instance.name}.conf.ts in the same directory and remove the old file.`,
    ...legacy.notes.map((n) => `// Note: ${n}.`),
    "import { defineConfig } from 'gunicorn-ts';",
    '',
    'export default defineConfig({',
  ];
  for (const [name, raw] of entries) {
    const decl = findSetting(name);
    const checked = decl === undefined ? null : checkValue(decl, raw, true);
    if (checked?.ok === true) lines.push(`  ${name}: ${literal(checked.value)},`);
    else lines.push(`  ${name}: ${literal(raw)}, // check: ${checked === null ? 'unknown setting' : checked.expected}`);
  }
  lines.push('});');
  return `${lines.join('\n')}\n`;
}
