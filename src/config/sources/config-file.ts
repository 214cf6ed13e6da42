// The config file layer: gunicorn.conf.ts (or .mts/.js/.mjs/.cjs/.json) evaluated with jiti.
// It may export a default object, named exports, or a (possibly async) function returning
// either; camelCase spellings of setting names are accepted, both spellings at once are not.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { loadJiti } from '../../lazy-jiti.js';
import { importNative } from '../../native-import.cjs';
import { GunicornError } from '../../errors.js';

export const DEFAULT_CONFIG_NAMES = ['gunicorn.conf.ts', 'gunicorn.conf.mts', 'gunicorn.conf.js', 'gunicorn.conf.mjs', 'gunicorn.conf.cjs', 'gunicorn.conf.json'];

/** The config file to load: the one named with -c, else the first default name present in cwd. */
export function findConfigFile(explicit: string | undefined, cwd: string): string | null {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new GunicornError('GTS_ERR_CONFIG_FILE', `config file not found: ${path} (given with -c/--config)`);
    return path;
  }
  for (const name of DEFAULT_CONFIG_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** Where in the config file an error happened, from the first stack frame inside it. */
function locationIn(file: string, err: unknown): string {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  const frame = stack.split('\n').find((line) => line.includes(file));
  const match = frame?.match(/:(\d+):(\d+)\)?\s*$/);
  return match ? ` (at ${file}:${match[1]}:${match[2]})` : '';
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? String(err);
  return String(err);
}

let generation = 0;

/**
 * Imports the file as it is on disk now: on HUP it is read again and must not come back
 * stale. jiti's moduleCache:false covers TypeScript, but plain JS files go
 * through Node's own caches: a new URL query for the ESM one, a dropped require.cache entry
 * for CommonJS.
 */
async function importFresh(file: string): Promise<Record<string, unknown>> {
  if (/\.(mjs|cjs|js)$/.test(file)) {
    const require = createRequire(import.meta.url);
    delete require.cache[file];
    return (await importNative(`${pathToFileURL(file).href}?load=${++generation}`)) as Record<string, unknown>;
  }
  const jiti = (await loadJiti())(import.meta.url, { moduleCache: false, interopDefault: false });
  return (await jiti.import(file)) as Record<string, unknown>;
}

/** Gunicorn's own config files are Python: say so, and how to write the same settings here. */
function refusePython(file: string): never {
  throw new GunicornError(
    'GTS_ERR_CONFIG_FILE',
    `config file ${file}: Python config files cannot be read by gunicorn-ts. Convert it to gunicorn.conf.ts: ` +
      'each "name = value" line becomes a property of the default export (same snake_case names, e.g. ' +
      '`export default { bind: ["0.0.0.0:8000"], workers: 4 }`), each "def hook(...)" a function property ' +
      '(`post_fork(server, worker) { ... }`), and computed values (multiprocessing.cpu_count() * 2 + 1) plain ' +
      'TypeScript (`workers: "auto"` for one per CPU); then run gunicorn-ts -c gunicorn.conf.ts --check-config. See docs/settings.md.',
  );
}

/**
 * Evaluates a config file's text as if it were the file (relative imports resolve from it).
 * Workers use this: the arbiter read the text with the privileges it was started with.
 */
async function importText(file: string, text: string): Promise<Record<string, unknown>> {
  const jiti = (await loadJiti())(file, { moduleCache: false, interopDefault: false });
  return (await jiti.evalModule(text, { filename: file, async: true })) as Record<string, unknown>;
}

async function evaluate(file: string, text?: string): Promise<unknown> {
  if (/\.py[cw]?$/i.test(file)) refusePython(file);
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text ?? readFileSync(file, 'utf8'));
    } catch (err) {
      throw new GunicornError('GTS_ERR_CONFIG_FILE', `cannot read config file ${file}: ${errorMessage(err)}`);
    }
  }
  try {
    const namespace = text === undefined ? await importFresh(file) : await importText(file, text);
    const { default: main, ...named } = namespace;
    let settings: unknown = main ?? {};
    if (typeof settings === 'function') settings = await (settings as () => unknown)();
    if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
      throw new GunicornError('GTS_ERR_CONFIG_FILE', `config file ${file}: the default export must be an object or a function returning one`);
    }
    for (const key of Object.keys(named)) {
      // CommonJS through import(): `exports.x` shows up both in default and as a named export.
      if (key in (settings as object) && (settings as Record<string, unknown>)[key] !== named[key]) {
        throw new GunicornError('GTS_ERR_CONFIG_FILE', `config file ${file}: "${key}" is set both by the default export and by a named export`);
      }
    }
    const { 'module.exports': _cjs, ...rest } = named;
    return { ...(settings as object), ...rest };
  } catch (err) {
    if (err instanceof GunicornError) throw err;
    throw new GunicornError('GTS_ERR_CONFIG_FILE', `error in config file ${file}: ${errorMessage(err)}${locationIn(file, err)}`);
  }
}

export const camelToSnake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Reads the file (or evaluates `text` as that file) and returns its values keyed by
 * snake_case name (unknown names kept for validation).
 */
export async function readConfigFile(file: string, text?: string): Promise<Map<string, unknown>> {
  const exported = (await evaluate(file, text)) as Record<string, unknown>;
  const values = new Map<string, unknown>();
  const spelledAs = new Map<string, string>();
  for (const [key, value] of Object.entries(exported)) {
    // `"$schema": "./node_modules/gunicorn-ts/schemas/gunicorn.schema.json"` is how editors
    // find the schema of a JSON file; it is not a setting.
    if (key === '$schema' && file.endsWith('.json')) continue;
    const name = camelToSnake(key);
    const earlier = spelledAs.get(name);
    if (earlier !== undefined) {
      throw new GunicornError('GTS_ERR_CONFIG_FILE', `config file ${file}: "${name}" is given twice, as "${earlier}" and as "${key}"; keep one`);
    }
    spelledAs.set(name, key);
    if (value !== undefined) values.set(name, value);
  }
  return values;
}
