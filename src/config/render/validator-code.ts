// The settings' validators as code: ajv compiles each setting's schema once, at `npm run gen`,
// into src/config/generated/validators.ts (ajv's standalone output), so a start runs the same
// checks without loading or compiling ajv. validate.ts uses the generated module.
import { Ajv } from 'ajv';
import type { Options } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';

// A CommonJS module: its function is the `default` property of what Node hands ESM.
const standaloneCode = standalone.default;
import { SETTINGS } from '../registry.js';
import type { SettingDecl } from '../setting.js';
import { GENERATED_NOTE } from './summary.js';

export const VALIDATORS_PATH = 'src/config/generated/validators.ts';

// The settings' schemas are ours and checked against the meta-schema by a unit test
// (settings-registry.test.ts compiles each one in strict mode).
const COMMON: Options = { allErrors: true, strict: false, validateSchema: false, code: { source: true, lines: true } };

/** Validator id of each distinct schema: settings that share a schema share its code. */
function schemaIds(): { ids: Map<string, string>; bySetting: Map<string, string> } {
  const ids = new Map<string, string>();
  const bySetting = new Map<string, string>();
  for (const decl of SETTINGS as readonly SettingDecl[]) {
    if (decl.hook) continue;
    const key = JSON.stringify(decl.schema);
    if (!ids.has(key)) ids.set(key, `s${ids.size}`);
    bySetting.set(decl.name, ids.get(key)!);
  }
  return { ids, bySetting };
}

export function renderValidators(): string {
  const { ids, bySetting } = schemaIds();
  // Values from text sources are coerced in place, so they are validated as `{ value }`.
  const ajv = new Ajv({ ...COMMON, coerceTypes: 'array' });
  const exactAjv = new Ajv(COMMON);
  for (const [key, id] of ids) {
    const schema = JSON.parse(key) as Record<string, unknown>;
    ajv.addSchema({ $id: `text_${id}`, type: 'object', properties: { value: schema } });
    exactAjv.addSchema({ ...schema, $id: `exact_${id}` });
  }
  const exports = (prefix: string): Record<string, string> => Object.fromEntries([...ids.values()].map((id) => [`${prefix}_${id}`, `${prefix}_${id}`]));
  const table = (name: string, prefix: string): string =>
    `export const ${name}: Readonly<Record<string, ValidateFunction>> = {\n${[...bySetting].map(([setting, id]) => `  ${setting}: ${prefix}.${prefix}_${id},\n`).join('')}};\n`;
  // Each ajv's output is CommonJS (its runtime helpers, e.g. ucs2length, are required) with
  // its own validate0, schema0...: each gets a function scope of its own.
  const code = (prefix: string, source: string): string =>
    `const ${prefix} = (() => {\nconst module = { exports: {} };\nconst exports = module.exports;\n${source.replace(/^"use strict";/, '')}\nreturn module.exports;\n})();\n`;
  return [
    `// ${GENERATED_NOTE}`,
    '// ajv standalone validators of every setting (src/config/render/validator-code.ts).',
    '// @ts-nocheck',
    "import { createRequire } from 'node:module';",
    "import type { ValidateFunction } from 'ajv';",
    'const require = createRequire(import.meta.url);',
    code('text', standaloneCode(ajv, exports('text'))),
    code('exact', standaloneCode(exactAjv, exports('exact'))),
    '/** Validates `{ value }` with text coerced to the setting\'s type in place. */',
    table('textValidators', 'text'),
    '/** Validates a value that must already have the setting\'s type. */',
    table('exactValidators', 'exact'),
  ].join('\n');
}
