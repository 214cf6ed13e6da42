// Command-line arguments (the real argv and GUNICORN_CMD_ARGS) → a layer of raw text values.
// yargs is driven entirely by the settings registry; values stay text here and are coerced
// and validated with every other layer, so `-w abc` is reported like any other bad value.
// --help is rendered from the registry by render/help.ts, not by yargs. A start parses with
// yargs-parser, the engine inside yargs, given the options yargs itself would hand it: yargs
// proper takes ~65 ms to load, and a unit test checks both read every argv alike.
import type { Argv, Options } from 'yargs';
import parser from 'yargs-parser';
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
        // Only flags that have another form get an alias: yargs-parser merges alias lists
        // pairwise, and ~200 empty ones made that the hottest loop of a master's start.
        ...(aliases.length > 0 ? { alias: aliases } : {}),
        type: isBoolean(decl) ? 'boolean' : 'string',
        requiresArg: !isBoolean(decl) && decl.cliBare === undefined,
      },
    });
  }
  return { options, flags, negations };
}

const TABLE = optionTable();

/** yargs' parser configuration, shared by the yargs instance and the direct yargs-parser call. */
const PARSER_CONFIGURATION = {
  'camel-case-expansion': false,
  'dot-notation': false,
  'duplicate-arguments-array': true,
  'boolean-negation': true,
  'strip-aliased': true,
  'parse-numbers': false,
  'parse-positional-numbers': false,
} as const;

/** The options object yargs builds from `.option()` calls, as yargs-parser receives it. */
function parserOptions(): parser.Options {
  const alias: Record<string, string[]> = { help: ['h'] };
  const boolean = ['help', 'version'];
  const string: string[] = [];
  // yargs' requiresArg is narg NaN: exactly one value follows, which may not be another flag.
  const narg: Record<string, number> = {};
  for (const [key, { decl, options }] of TABLE.options) {
    if (options.alias !== undefined) alias[key] = options.alias as string[];
    if (isBoolean(decl)) boolean.push(key);
    else string.push(key);
    if (options.requiresArg === true) narg[key] = Number.NaN;
  }
  return { alias, boolean, string, narg, configuration: { ...PARSER_CONFIGURATION, 'populate--': true } };
}

const PARSER_OPTIONS = parserOptions();

/** The registry-driven yargs instance whose reading parseFlags reproduces (loaded on demand). */
export async function buildParser(args: readonly string[], scriptName = 'gunicorn-ts'): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  let parser = yargs([...args])
    .scriptName(scriptName)
    .parserConfiguration(PARSER_CONFIGURATION)
    .help(false)
    .version(false)
    .option('help', { alias: 'h', type: 'boolean' })
    .option('version', { type: 'boolean' });
  for (const [key, { options }] of TABLE.options) parser = parser.option(key, options);
  return parser.exitProcess(false);
}

/** What yargs returns from parseSync: values by option key, positionals in `_`. */
export type ParsedFlags = Record<string, unknown> & { _: (string | number)[] };

/** argv → flags as yargs would return them; a malformed argv (a flag missing its value) throws. */
export function parseFlags(args: readonly string[], where: string): ParsedFlags {
  const { argv, error } = parser.detailed([...args], PARSER_OPTIONS);
  if (error) throw new GunicornError('GTS_ERR_USAGE', `${error.message} in ${where}`);
  // As yargs does when 'populate--' is off: what follows `--` joins the positionals.
  const { '--': rest = [], ...flags } = argv;
  return { ...flags, _: [...argv._, ...rest] };
}

/** Parses argv (without node and script) into raw setting values. Throws on unknown flags. */
export function parseArgv(args: readonly string[], where: string): ParsedArgs {
  const parsed = parseFlags(args, where);
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
