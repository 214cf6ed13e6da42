// Registry → the JSON Schema (draft 2020-12) of a plain-data config object, as written in a
// gunicorn.conf.json file. It is checked in as schemas/gunicorn.schema.json for editors.
import { SETTINGS } from './registry.js';
import type { SettingDecl } from './setting.js';
import { defaultLiteral, flagForms, shortHelp } from './render/summary.js';

export const SCHEMA_ID = 'urn:gunicorn-ts:schemas:gunicorn.schema.json';

// A JSON file cannot hold a function, so a hook there can only be left null.
function hookProperty(decl: SettingDecl): Record<string, unknown> {
  const note = 'A server hook: set it to a function in a TS/JS config file; JSON can only leave it null.';
  return {
    type: 'null',
    description: `${shortHelp(decl.desc)} ${note}`,
    markdownDescription: `${decl.desc}\n\n${note}`,
    default: null,
  };
}

/** What VS Code shows on hover and in completions: the whole description, flags and default. */
function markdownDescription(decl: SettingDecl, notes: readonly string[]): string {
  const flags = flagForms(decl).map((f) => `\`${f}\``).join(', ');
  const facts = [`Default: \`${defaultLiteral(decl)}\`${decl.defaultDoc === undefined ? '' : ` (${decl.defaultDoc})`}.`];
  if (flags !== '') facts.push(`Command line: ${flags}.`);
  return [decl.desc, ...notes, facts.join(' ')].join('\n\n');
}

function property(decl: SettingDecl): Record<string, unknown> {
  if (decl.hook !== undefined) return hookProperty(decl);
  const notes: string[] = [];
  if (decl.unsupported !== undefined) notes.push(`Not supported on Node: ${decl.unsupported}`);
  if (decl.noEffect !== undefined) notes.push(`No effect on Node: ${decl.noEffect}`);
  if (decl.cliOnly === true) notes.push('Only meaningful on the command line.');
  const description = [shortHelp(decl.desc), ...notes].join(' ');
  return { ...decl.schema, description, markdownDescription: markdownDescription(decl, notes), default: decl.default };
}

export function buildJsonSchema(): Record<string, unknown> {
  // Editors find a JSON file's schema through its "$schema" key; the loader ignores it.
  const properties: Record<string, unknown> = {
    $schema: { type: 'string', description: 'The JSON Schema this file follows, for editors; ignored by gunicorn-ts.' },
  };
  for (const decl of SETTINGS as readonly SettingDecl[]) properties[decl.name] = property(decl);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'gunicorn-ts configuration',
    description: 'The settings of gunicorn-ts, by their Gunicorn snake_case names.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
