// Command-line arguments (the real argv and GUNICORN_CMD_ARGS) → a layer of raw text values.
// yargs is driven entirely by the settings registry; values stay text here and are coerced
// and validated with every other layer, so `-w abc` is reported like any other bad value.
// --help is rendered from the registry by render/help.ts, not by yargs.
import yargs from 'yargs';
import type { Argv, Options } from 'yargs';
import { SETTINGS } from '../registry.js';
import type { SettingDecl } from '../setting.js';
import { GunicornError } from '../../errors.js';
import { didYouMean } from '../suggest.js';

export interface ParsedArgs {
  /** Values by setting name, as given (strings, booleans, or arrays of strings when repeated). */
  readonly values: Map<string, unknown>;
  /** The APP_MODULE positional argument, if any. */
  readonly appModule: string | undefined;
  readonly help: boolean;
  readonly version: boolean;
}

function longFlag(decl: SettingDecl): string | undefined {
  return decl.cli?.find((f) => f.startsWith('--'))?.slice(2);
}

function isBoolean(decl: SettingDecl): boolean {
  return decl.schema.type === 'boolean';
}

/**
 * The yargs option key of each setting that has flags, and the flag forms known for errors.
 * A boolean setting whose flag is `--no-X` for another setting's `--X` (Gunicorn's
 * `--no-control-socket`) is not a yargs option: yargs reads `--no-X` as X = false, and
 * parseArgv turns that into this setting = true.
 */
function optionTable(): { options: Map<string, { decl: SettingDecl; options: Options }>; flags: string[]; negations: Map<string, SettingDecl> } {
  const options = new Map<string, { decl: SettingDecl; options: Options }>();
  const negations = new Map<string, SettingDecl>();
  const flags: string[] = [];
  for (const decl of SETTINGS as readonly SettingDecl[]) {
    const key = longFlag(decl);
    if (key === undefined || decl.hook) continue;
    if (key.startsWith('no-') && isBoolean(decl)) {
      negations.set(key.slice(3), decl);
      flags.push(`--${key}`);
      continue;
    }
    const aliases = (decl.cli ?? []).map((f) => f.replace(/^--?/, '')).filter((a) => a !== key);
    flags.push(...(decl.cli ?? []));
    options.set(key, {
      decl,
      options: {
        alias: aliases,
        type: isBoolean(decl) ? 'boolean' : 'string',
        requiresArg: !isBoolean(decl) && decl.cliBare === undefined,
      },
    });
  }
  return { options, flags, negations };
}

const TABLE = optionTable();

export function buildParser(args: readonly string[], scriptName = 'gunicorn-ts'): Argv {
  let parser = yargs([...args])
    .scriptName(scriptName)
    .parserConfiguration({
      'camel-case-expansion': false,
      'dot-notation': false,
      'duplicate-arguments-array': true,
      'boolean-negation': true,
      'strip-aliased': true,
      'parse-numbers': false,
      'parse-positional-numbers': false,
    })
    .help(false)
    .version(false)
    .option('help', { alias: 'h', type: 'boolean' })
    .option('version', { type: 'boolean' });
  for (const [key, { options }] of TABLE.options) parser = parser.option(key, options);
  return parser.exitProcess(false);
}

/** Parses argv (without node and script) into raw setting values. Throws on unknown flags. */
export function parseArgv(args: readonly string[], where: string): ParsedArgs {
  const parsed = buildParser(args).parseSync() as Record<string, unknown> & { _: (string | number)[] };
  const values = new Map<string, unknown>();
  for (const [key, raw] of Object.entries(parsed)) {
    if (key === '_' || key === '$0' || key === 'help' || key === 'version' || key === 'h') continue;
    const negation = TABLE.negations.get(key);
    if (negation !== undefined && raw === false) {
      values.set(negation.name, true);
      continue;
    }
    const entry = TABLE.options.get(key);
    if (entry === undefined) {
      const flag = key.length === 1 ? `-${key}` : `--${key}`;
      throw new GunicornError('GTS_ERR_USAGE', `unknown option ${flag} in ${where}${didYouMean(flag, TABLE.flags)}`);
    }
    if (raw === undefined) continue;
    values.set(entry.decl.name, normaliseRepeats(entry.decl, raw));
  }
  const positionals = parsed._.map(String);
  if (positionals.length > 1) {
    throw new GunicornError('GTS_ERR_USAGE', `expected one APP_MODULE in ${where}, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  return {
    values,
    appModule: positionals[0],
    help: parsed['help'] === true,
    version: parsed['version'] === true,
  };
}

/** A repeated flag yields an array; only array settings keep every value, others the last. */
function normaliseRepeats(decl: SettingDecl, raw: unknown): unknown {
  if (decl.schema.type === 'array') return Array.isArray(raw) ? raw.map(String) : [String(raw)];
  const last: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return last === '' && decl.cliBare !== undefined ? decl.cliBare : last;
}

/** Splits GUNICORN_CMD_ARGS like a POSIX shell would (quotes and backslashes, no expansion). */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) current += text[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote !== null) throw new GunicornError('GTS_ERR_USAGE', `GUNICORN_CMD_ARGS has an unclosed ${quote} quote`);
  if (inWord) words.push(current);
  return words;
}
