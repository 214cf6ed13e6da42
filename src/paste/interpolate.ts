// PasteDeploy's `%(name)s` interpolation (configparser's "basic" flavour): `%(name)s` is replaced
// by the value of `name` in the scope (itself interpolated), `%%` is a literal '%'. It must not
// know about sections or files beyond naming them in errors.
import { PasteError, type PasteErrorWhere } from './paste-error.js';

/** Raw (uninterpolated) values that `%(name)s` may refer to. */
export type Scope = ReadonlyMap<string, string>;

// configparser stops at depth 10; a chain that deep is almost certainly a cycle.
const MAX_DEPTH = 10;

export function interpolate(value: string, scope: Scope, where: PasteErrorWhere): string {
  return expand(value, scope, where, []);
}

function expand(value: string, scope: Scope, where: PasteErrorWhere, trail: string[]): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const percent = value.indexOf('%', i);
    if (percent === -1) return out + value.slice(i);
    out += value.slice(i, percent);
    const next = value[percent + 1];
    if (next === '%') {
      out += '%';
      i = percent + 2;
      continue;
    }
    const ref = /^\(([^)]*)\)s/.exec(value.slice(percent + 1));
    if (next !== '(' || !ref) {
      throw new PasteError(where, `bad interpolation in "${value}": '%' must start %(name)s; write %% for a literal '%'`);
    }
    out += lookup(ref[1]!, scope, where, trail);
    i = percent + 1 + ref[0].length;
  }
  return out;
}

function lookup(name: string, scope: Scope, where: PasteErrorWhere, trail: string[]): string {
  const raw = scope.get(name);
  if (raw === undefined) {
    const known = [...scope.keys()].sort().join(', ');
    throw new PasteError(where, `%(${name})s refers to an unknown name "${name}" (known: ${known})`);
  }
  if (trail.includes(name) || trail.length >= MAX_DEPTH) {
    throw new PasteError(where, `%(${name})s: interpolation loop (${[...trail, name].join(' -> ')})`);
  }
  return expand(raw, scope, where, [...trail, name]);
}
