// Debian's legacy instance files: /etc/gunicorn.d/NAME holding a Python `CONFIG = {...}` dict
// (working_dir, user, group, args, environment, mode, python), as Debian's gunicorn package
// read them. Turns one into the gunicorn-ts command line it means, or refuses it by name with
// the NAME.conf.ts to write instead. Runs no Python: only a literal dict is read.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { GunicornError } from '../errors.js';
import { parseArgv } from '../config/sources/argv.js';
import { NotALiteral, readConfigLiteral, type PyValue } from './python-literal.js';

export interface LegacyConfig {
  readonly workingDir: string;
  readonly user: string | number;
  readonly group: string | number;
  /** gunicorn command-line arguments, APP_MODULE included. */
  readonly args: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** 'wsgi': APP_MODULE in args; 'paster': the INI file in args is served with --paste. */
  readonly mode: 'wsgi' | 'paster';
  /** What was read but has no effect here (python, unknown keys), for the operator. */
  readonly notes: readonly string[];
}

/** Debian's defaults for keys a file leaves out (its init script ran the servers as www-data). */
const DEFAULTS = { working_dir: '/', user: 'www-data', group: 'www-data' } as const;
const KNOWN = ['working_dir', 'user', 'group', 'args', 'environment', 'mode', 'python'];

export const CONF_TS_EXAMPLE = `export default { app: 'server.ts:app', chdir: '/srv/app', user: 'www-data', group: 'www-data', bind: ['127.0.0.1:8000'], workers: 2, raw_env: ['NODE_ENV=production'] };`;

function refuse(file: string, why: string): never {
  const name = basename(file).replace(/\.(?:py|conf)$/, '');
  throw new GunicornError(
    'GTS_ERR_CONFIG_FILE',
    `${file}: a Debian instance file gunicorn-ts cannot use: ${why}.\n` +
      `gunicorn-ts runs no Python, so it reads only a literal CONFIG = {...} dict. Write ${name}.conf.ts beside it instead and remove this file, e.g.\n` +
      `  ${CONF_TS_EXAMPLE}\n(args become settings by their snake_case names: --bind → bind, --workers → workers; environment → raw_env; working_dir → chdir)`,
  );
}

const isDict = (v: PyValue | undefined): v is { readonly [key: string]: PyValue } => v !== null && typeof v === 'object' && !Array.isArray(v);

function text(file: string, key: string, v: PyValue | undefined, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || v === '') refuse(file, `'${key}' must be a non-empty string, not ${JSON.stringify(v)}`);
  return v;
}

function id(file: string, key: string, v: PyValue | undefined, fallback: string): string | number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  return text(file, key, v, fallback);
}

export function parseLegacyConfig(file: string, source: string): LegacyConfig {
  let value: PyValue;
  try {
    value = readConfigLiteral(source);
  } catch (err) {
    if (err instanceof NotALiteral) refuse(file, err.message);
    throw err;
  }
  if (!isDict(value)) refuse(file, 'CONFIG must be a dict');
  const notes: string[] = [];
  const args = value['args'] ?? [];
  if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) refuse(file, "'args' must be a tuple or list of strings");
  const environment: Record<string, string> = {};
  const env = value['environment'] ?? {};
  if (!isDict(env)) refuse(file, "'environment' must be a dict");
  for (const [k, v] of Object.entries(env)) {
    if (typeof v !== 'string' && typeof v !== 'number') refuse(file, `environment '${k}' must be a string`);
    environment[k] = String(v);
  }
  const mode = value['mode'] ?? 'wsgi';
  if (mode === 'django') refuse(file, "mode 'django' serves a Django project, which is Python; a Node app uses mode 'wsgi' with its APP_MODULE (e.g. 'server.ts:app') in args");
  if (mode !== 'wsgi' && mode !== 'paster') refuse(file, `unknown mode ${JSON.stringify(mode)} (expected 'wsgi' or 'paster')`);
  if (value['python'] !== undefined) notes.push(`python ${JSON.stringify(value['python'])} ignored: the app runs on the Node.js that runs gunicorn-ts`);
  for (const key of Object.keys(value)) if (!KNOWN.includes(key)) notes.push(`'${key}' ignored: not a key of Debian's CONFIG (known: ${KNOWN.join(', ')})`);
  return {
    workingDir: text(file, 'working_dir', value['working_dir'], DEFAULTS.working_dir),
    user: id(file, 'user', value['user'], DEFAULTS.user),
    group: id(file, 'group', value['group'], DEFAULTS.group),
    args,
    environment,
    mode,
    notes,
  };
}

export function readLegacyFile(file: string): LegacyConfig {
  return parseLegacyConfig(file, readFileSync(file, 'utf8'));
}

/**
 * The gunicorn-ts arguments the file means: working_dir, user, group and environment first,
 * then its own args (which win when they repeat one). In paster mode the positional INI file
 * is served with --paste. `file` names the instance file in errors about its args.
 */
export function legacyArgv(config: LegacyConfig, file: string): string[] {
  const appModule = config.mode === 'paster' ? parseArgv(config.args, `${file} args`).appModule : undefined;
  const own = ['--chdir', config.workingDir, '--user', String(config.user), '--group', String(config.group)];
  for (const [k, v] of Object.entries(config.environment)) own.push('--env', `${k}=${v}`);
  if (config.mode === 'wsgi' || appModule === undefined) return [...own, ...config.args];
  const at = config.args.lastIndexOf(appModule);
  // Debian ran gunicorn_paster from working_dir: a relative INI path means one there.
  return [...own, ...config.args.filter((_, i) => i !== at), '--paste', resolve(config.workingDir, appModule)];
}
