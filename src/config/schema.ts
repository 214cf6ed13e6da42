// Registry → the JSON Schema (draft 2020-12) of a plain-data config object, as written in a
// gunicorn.conf.json file. It is checked in as schemas/gunicorn.schema.json for editors.
import { SETTINGS } from './registry.js';
import type { SettingDecl } from './setting.js';
import { shortHelp } from './render/summary.js';

export const SCHEMA_ID = 'urn:gunicorn-ts:schemas:gunicorn.schema.json';

// A JSON file cannot hold a function, so a hook there can only be left null.
function hookProperty(decl: SettingDecl): Record<string, unknown> {
  return {
    type: 'null',
    description: `${shortHelp(decl.desc)} A server hook: set it to a function in a TS/JS config file; JSON can only leave it null.`,
    default: null,
  };
}

function property(decl: SettingDecl): Record<string, unknown> {
  if (decl.hook !== undefined) return hookProperty(decl);
  let description = shortHelp(decl.desc);
  if (decl.unsupported !== undefined) description += ` Not supported on Node: ${decl.unsupported}`;
  if (decl.cliOnly === true) description += ' Only meaningful on the command line.';
  return { ...decl.schema, description, default: decl.default };
}

export function buildJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
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
