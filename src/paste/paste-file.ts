// One PasteDeploy INI file as the composer sees it: finds sections by kind and name, and gives
// a section's `use`, its globalConf ([DEFAULT] + `here`/`__file__` + `set` overrides) and its
// localConf (its own keys + `get` reads), all interpolated. It loads no modules.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parsePasteIni, type IniSections } from './ini-text.js';
import { interpolate } from './interpolate.js';
import { PasteError, type PasteErrorWhere } from './paste-error.js';

export interface SectionContext {
  file: string;
  dir: string;
  /** Full section name, e.g. "app:main". */
  section: string;
  use: string | undefined;
  globalConf: Record<string, string>;
  localConf: Record<string, string>;
}

export type SectionKind = 'app' | 'filter';

/** Section prefixes that can stand where an app is expected, and where a filter is. */
const PREFIXES: Record<SectionKind, readonly string[]> = {
  app: ['app', 'pipeline', 'composite'],
  filter: ['filter'],
};

export interface PasteFile {
  file: string;
  dir: string;
  sections: IniSections;
  has(section: string): boolean;
  /** The full name of the section of this kind called `name`; `from` says who asked, for errors. */
  findSection(kind: SectionKind, name: string, from: PasteErrorWhere): string;
  context(section: string): SectionContext;
}

/** `globals`: raw_paste_global_conf, under the file's own [DEFAULT] values as in PasteDeploy. */
export function readPasteFile(file: string, from?: PasteErrorWhere, globals: Readonly<Record<string, string>> = {}): PasteFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new PasteError(from ?? { file }, `cannot read INI file ${file} (${reason})`);
  }
  const sections = parsePasteIni(text, file);
  const dir = dirname(file);
  return {
    file,
    dir,
    sections,
    has: (section) => sections.has(section),
    findSection: (kind, name, asker) => findSection(sections, kind, name, asker, file),
    context: (section) => sectionContext(sections, section, file, dir, globals),
  };
}

function findSection(sections: IniSections, kind: SectionKind, name: string, from: PasteErrorWhere, file: string): string {
  const wanted = PREFIXES[kind].map((prefix) => `${prefix}:${name}`);
  const found = wanted.filter((section) => sections.has(section));
  if (found.length === 1) return found[0]!;
  const inFile = from.file === file ? '' : ` in ${file}`;
  if (found.length > 1) throw new PasteError(from, `"${name}" is ambiguous${inFile}: both ${found.map((s) => `[${s}]`).join(' and ')}`);
  const names = wanted.map((s) => `[${s}]`).join(' or ');
  const present = [...sections.keys()].map((s) => `[${s}]`).join(', ') || 'none';
  throw new PasteError(from, `no ${names} section${inFile} (sections: ${present})`);
}

function sectionContext(sections: IniSections, section: string, file: string, dir: string, globals: Readonly<Record<string, string>>): SectionContext {
  const own = sections.get(section);
  if (!own) throw new PasteError({ file, section }, 'no such section');
  const defaults = new Map<string, string>([...Object.entries(globals), ['here', dir], ['__file__', file], ...(sections.get('DEFAULT') ?? [])]);
  const plain = new Map<string, string>();
  const gets = new Map<string, string>();
  const setKeys = new Map<string, string>();
  for (const [key, raw] of own) {
    const directive = /^(set|get)\s+(\S.*)$/.exec(key);
    if (directive?.[1] === 'set') {
      defaults.set(directive[2]!.trim(), raw);
      setKeys.set(directive[2]!.trim(), key);
    }
    else if (directive?.[1] === 'get') gets.set(directive[2]!.trim(), raw);
    else plain.set(key, raw);
  }
  const globalConf: Record<string, string> = {};
  for (const [key, raw] of defaults) {
    const setKey = setKeys.get(key);
    const fromGlobals = key in globals && sections.get('DEFAULT')?.has(key) !== true;
    const origin = setKey ? { file, section, key: setKey } : fromGlobals ? { file: `--paste-global ${key}` } : { file, section: 'DEFAULT', key };
    globalConf[key] = interpolate(raw, defaults, origin);
  }
  // A section's own keys may refer to each other as well as to the globals (configparser does).
  const scope = new Map([...defaults, ...plain]);
  const localConf: Record<string, string> = {};
  for (const [key, raw] of plain) localConf[key] = interpolate(raw, scope, { file, section, key });
  for (const [key, globalName] of gets) {
    const value = globalConf[interpolate(globalName, scope, { file, section, key: `get ${key}` })];
    if (value === undefined) throw new PasteError({ file, section, key: `get ${key}` }, `no global "${globalName}" in [DEFAULT]`);
    localConf[key] = value;
  }
  const use = localConf.use;
  delete localConf.use;
  return { file, dir, section, use, globalConf, localConf };
}
