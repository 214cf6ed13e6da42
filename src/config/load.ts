// Resolves the effective configuration: defaults < environment < framework INI (--paste)
// < config file < GUNICORN_CMD_ARGS < command line, validated setting by setting, every
// problem of every layer reported at once, then deep-frozen. Nothing here starts anything.
import { readFileSync } from 'node:fs';
import { SETTINGS, findSetting } from './registry.js';
import type { Config } from './registry.js';
import type { SettingDecl } from './setting.js';
import { describeSource, isTextSource, LAYER_ORDER } from './source-ref.js';
import type { Layer, SourceRef } from './source-ref.js';
import { checkValue } from './validate.js';
import { didYouMean } from './suggest.js';
import { parseArgv, splitShellWords } from './sources/argv.js';
import { findConfigFile, readConfigFile } from './sources/config-file.js';
import { environmentValues } from './sources/environment.js';
import { ConfigError } from '../errors.js';
import type { SettingProblem } from '../errors.js';

export interface LoadInputs {
  /** Arguments after the script name. */
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface LoadedConfig {
  readonly config: Config;
  /** The layer that set each setting ('default' when none did). */
  readonly sources: ReadonlyMap<string, SourceRef>;
  readonly configFile: string | null;
  /**
   * The config file's text as read at load time, with the privileges the server was started
   * with: workers evaluate their hooks from it instead of reading the file again.
   */
  readonly configText?: string;
  /** Settings given that have no effect here; what a start cannot honour is the preflight's (src/preflight/warnings.ts). */
  readonly warnings: readonly string[];
}

export type LoadResult = { readonly kind: 'help' } | { readonly kind: 'version' } | ({ readonly kind: 'config' } & LoadedConfig);

const ALL_NAMES = (SETTINGS as readonly SettingDecl[]).map((s) => s.name);

function argvLayer(args: readonly string[], source: SourceRef): { layer: Layer; help: boolean; version: boolean } {
  const parsed = parseArgv(args, describeSource(source));
  const values = new Map(parsed.values);
  if (parsed.appModule !== undefined) values.set('app', parsed.appModule);
  return { layer: { source, values }, help: parsed.help, version: parsed.version };
}

/** The highest layer's value of a setting among those already read (used to find -c and --paste). */
function peek(layers: readonly Layer[], name: string): unknown {
  for (let i = layers.length - 1; i >= 0; i--) if (layers[i]!.values.has(name)) return layers[i]!.values.get(name);
  return undefined;
}

interface ReadLayers {
  layers: Layer[];
  help: boolean;
  version: boolean;
  configFile: string | null;
  configText?: string;
}

async function readLayers(inputs: LoadInputs): Promise<ReadLayers> {
  const cli = argvLayer(inputs.argv, { kind: 'cli' });
  if (cli.help || cli.version) return { layers: [], help: cli.help, version: cli.version, configFile: null };
  const cmdArgsText = inputs.env['GUNICORN_CMD_ARGS'];
  const cmd = cmdArgsText ? argvLayer(splitShellWords(cmdArgsText), { kind: 'cmd-args' }).layer : undefined;
  const upper = cmd ? [cmd, cli.layer] : [cli.layer];

  const explicitConfig = peek(upper, 'config');
  const configFile = findConfigFile(typeof explicitConfig === 'string' ? explicitConfig : undefined, inputs.cwd);
  const configText = configFile ? readText(configFile) : undefined;
  const file: Layer | undefined = configFile ? { source: { kind: 'file', file: configFile }, values: await readConfigFile(configFile) } : undefined;

  const pasteText = peek(file ? [file, ...upper] : upper, 'paste');
  const pasteGlobals = peek(file ? [file, ...upper] : upper, 'raw_paste_global_conf');
  let ini: Layer | undefined;
  if (typeof pasteText === 'string' && pasteText !== '') {
    // The paste modules (and their INI parser) load only for --paste.
    const { parsePasteSpec, readPasteServerSettings } = await import('../paste/index.js');
    const globals = Array.isArray(pasteGlobals) ? pasteGlobals.map(String) : typeof pasteGlobals === 'string' ? [pasteGlobals] : [];
    const server = readPasteServerSettings(parsePasteSpec(pasteText, inputs.cwd, globals));
    ini = { source: { kind: 'ini', file: server.file, section: server.section }, values: new Map(Object.entries(server.values)) };
  }
  const env: Layer[] = [...environmentValues(inputs.env)].map(([name, { value, variable }]) => ({
    source: { kind: 'env', variable },
    values: new Map([[name, value]]),
  }));
  const layers = [...env, ...(ini ? [ini] : []), ...(file ? [file] : []), ...upper];
  return { layers, help: false, version: false, configFile, ...(configText === undefined ? {} : { configText }) };
}

/** A file the config layer will fail on anyway (unreadable) gives no text; its own error follows. */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Problems that are not about the value's shape: unknown names, unsupported and CLI-only settings. */
function placementProblem(decl: SettingDecl | undefined, name: string, value: unknown, source: SourceRef): SettingProblem | undefined {
  const where = describeSource(source);
  if (decl === undefined) {
    return { setting: name, source: where, value, expected: `unknown setting${didYouMean(name, ALL_NAMES)}` };
  }
  if (decl.unsupported !== undefined) return { setting: name, source: where, value, expected: `not supported on Node: ${decl.unsupported}` };
  if (decl.cliOnly && source.kind !== 'cli' && source.kind !== 'cmd-args') {
    return { setting: name, source: where, value, expected: 'can only be given on the command line' };
  }
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export function resolveLayers(layers: readonly Layer[]): { config: Config; sources: Map<string, SourceRef> } {
  const problems: SettingProblem[] = [];
  const effective = new Map<string, { value: unknown; source: SourceRef }>();
  const ordered = [...layers].sort((a, b) => LAYER_ORDER.indexOf(a.source.kind) - LAYER_ORDER.indexOf(b.source.kind));
  for (const layer of ordered) {
    for (const [name, raw] of layer.values) {
      const decl = findSetting(name);
      const misplaced = placementProblem(decl, name, raw, layer.source);
      if (misplaced) {
        problems.push(misplaced);
        continue;
      }
      const checked = checkValue(decl!, raw, isTextSource(layer.source));
      const note = decl!.legacy?.isLegacy(raw) === true ? decl!.legacy.note : undefined;
      if (checked.ok) effective.set(name, { value: checked.value, source: note === undefined ? layer.source : { ...layer.source, note } });
      else problems.push({ setting: name, source: describeSource(layer.source), value: raw, expected: checked.expected });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config: Record<string, unknown> = {};
  const sources = new Map<string, SourceRef>();
  for (const decl of SETTINGS as readonly SettingDecl[]) {
    const chosen = effective.get(decl.name);
    config[decl.name] = chosen ? chosen.value : structuredClone(decl.default);
    sources.set(decl.name, chosen ? chosen.source : { kind: 'default' });
  }
  return { config: deepFreeze(config) as Config, sources };
}

export async function loadConfig(inputs: LoadInputs): Promise<LoadResult> {
  const { layers, help, version, configFile, configText } = await readLayers(inputs);
  if (help) return { kind: 'help' };
  if (version) return { kind: 'version' };
  const { config, sources } = resolveLayers(layers);
  const text = configText === undefined ? {} : { configText };
  return { kind: 'config', config, sources, configFile, ...text, warnings: warningsFor(config, sources) };
}

/**
 * Settings given that do nothing here (each declaration says why). What a start cannot
 * honour as written is the preflight's to say (src/preflight/warnings.ts).
 */
function warningsFor(config: Config, sources: ReadonlyMap<string, SourceRef>): string[] {
  const c: Readonly<Record<string, unknown>> = config;
  const isSet = (name: string): boolean => sources.get(name)?.kind !== 'default';
  return (SETTINGS as readonly SettingDecl[])
    .filter((decl) => decl.noEffect !== undefined && isSet(decl.name) && c[decl.name] !== decl.default)
    .map((decl) => `${decl.name} has no effect: ${decl.noEffect}`);
}
