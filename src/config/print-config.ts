// --print-config: every effective setting, its value and the layer that set it.
import { SETTINGS } from './registry.js';
import type { SettingDecl } from './setting.js';
import { describeSource } from './source-ref.js';
import type { SourceRef } from './source-ref.js';

function show(value: unknown): string {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  return JSON.stringify(value);
}

export function formatConfig(config: object, sources: ReadonlyMap<string, SourceRef>): string {
  const values = config as Record<string, unknown>;
  const decls = SETTINGS as readonly SettingDecl[];
  const width = Math.max(...decls.map((d) => d.name.length));
  const lines = decls.map((decl) => {
    const source = sources.get(decl.name) ?? { kind: 'default' };
    return `${decl.name.padEnd(width)} = ${show(values[decl.name])}  # ${describeSource(source)}`;
  });
  return `${lines.join('\n')}\n`;
}
