// Where a setting's value came from. Every error message and --print-config line names
// its source, so an operator can tell a typo in the INI file from one on the command line.

type SourceKind =
  | { readonly kind: 'default' }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'ini'; readonly file: string; readonly section: string }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'cmd-args' }
  | { readonly kind: 'cli' };

/** `note`: how the value was read, when that is worth saying (an older form of the setting). */
export type SourceRef = SourceKind & { readonly note?: string };

/** Layers in precedence order, lowest first. */
export const LAYER_ORDER: readonly SourceRef['kind'][] = ['default', 'env', 'ini', 'file', 'cmd-args', 'cli'];

export function describeSource(source: SourceRef): string {
  return source.note === undefined ? describeKind(source) : `${describeKind(source)} (${source.note})`;
}

function describeKind(source: SourceRef): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'env':
      return `environment ${source.variable}`;
    case 'ini':
      return `${source.file} [${source.section}]`;
    case 'file':
      return source.file;
    case 'cmd-args':
      return 'GUNICORN_CMD_ARGS';
    case 'cli':
      return 'command line';
  }
}

/** Values arrive as text from these sources and are coerced by the setting's schema. */
export function isTextSource(source: SourceRef): boolean {
  return source.kind !== 'file' && source.kind !== 'default';
}

/** One layer of raw values, keyed by snake_case setting name, before validation. */
export interface Layer {
  readonly source: SourceRef;
  readonly values: ReadonlyMap<string, unknown>;
}
