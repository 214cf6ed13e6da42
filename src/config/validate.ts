// Checks one value of one setting against its declaration. Values from text sources (CLI,
// environment, INI) are coerced by the setting's schema first; values from a config file
// must already have the right type. Problems are returned, not thrown, so every error in
// every layer can be reported at once.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { SettingDecl } from './setting.js';

// The settings' schemas are ours and checked against the meta-schema by a unit test
// (settings-registry.test.ts compiles each one in strict mode), so start-up skips compiling the meta-schema (~110 ms of CPU).
const coercing = new Ajv({ coerceTypes: 'array', allErrors: true, strict: false, validateSchema: false });
const exact = new Ajv({ allErrors: true, strict: false, validateSchema: false });
/** Validates `{ value }`: ajv coerces in place, and only a property can be replaced. */
const coercingBySetting = new Map<string, ValidateFunction>();
const exactBySetting = new Map<string, ValidateFunction>();

function compiledFor(decl: SettingDecl, fromText: boolean): ValidateFunction {
  const cache = fromText ? coercingBySetting : exactBySetting;
  let validate = cache.get(decl.name);
  if (validate === undefined) {
    validate = fromText ? coercing.compile({ type: 'object', properties: { value: decl.schema } }) : exact.compile(decl.schema);
    cache.set(decl.name, validate);
  }
  return validate;
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

function prepareText(decl: SettingDecl, value: unknown): unknown {
  if (decl.schema.type === 'boolean' && typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  const types = Array.isArray(decl.schema.type) ? decl.schema.type : [decl.schema.type];
  if (types.includes('null') && typeof value === 'string' && ['none', 'null', ''].includes(value.trim().toLowerCase())) return null;
  return value;
}

function explain(errors: ErrorObject[] | null | undefined, root: string): string {
  return (errors ?? []).map((e) => describeAjvError(e, root)).join('; ') || 'is not valid';
}

function describeAjvError(error: ErrorObject, root: string): string {
  const path = error.instancePath.slice(root.length);
  const where = path ? `item ${path.slice(1)} ` : '';
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
    return `${where}must be one of ${allowed}`;
  }
  return `${where}${error.message ?? 'is not valid'}`;
}

export type CheckResult = { ok: true; value: unknown } | { ok: false; expected: string };

/** Hooks are functions (or null) taking at most the declared parameters. */
function checkHook(decl: SettingDecl, value: unknown): CheckResult {
  const params = decl.hook?.params ?? [];
  if (value === null) return { ok: true, value };
  if (typeof value !== 'function') return { ok: false, expected: `must be a function (${params.join(', ')}) or null; hooks are set in a TS/JS config file` };
  if (value.length > params.length) {
    return { ok: false, expected: `must take at most ${params.length} argument(s) (${params.join(', ')}), this function declares ${value.length}` };
  }
  return { ok: true, value };
}

export function checkValue(decl: SettingDecl, value: unknown, fromText: boolean): CheckResult {
  if (decl.hook) return checkHook(decl, value);
  // A setting's own conversion (umask "0o22") applies to every source; JSON coercion only to text.
  if (decl.coerce) value = decl.coerce(value);
  const validate = compiledFor(decl, fromText);
  if (fromText) {
    const holder = { value: prepareText(decl, value) };
    if (validate(holder)) return { ok: true, value: holder.value };
    return { ok: false, expected: explain(validate.errors, '/value') };
  }
  if (validate(value)) return { ok: true, value };
  return { ok: false, expected: explain(validate.errors, '') };
}
