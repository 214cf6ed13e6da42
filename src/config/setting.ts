// The single way to declare a setting. Every derived artefact (JSON schema, yargs options,
// --help, man page, docs/settings.md, the Config type) is computed from these declarations;
// nothing else in the code base may restate a setting's flags, default or description.

/** A JSON Schema fragment (draft 2020-12) describing one setting's value. */
export interface JsonSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null' | ReadonlyArray<'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null'>;
  enum?: readonly (string | number | boolean | null)[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  properties?: Record<string, JsonSchema>;
  anyOf?: readonly JsonSchema[];
  description?: string;
  default?: unknown;
  [keyword: string]: unknown;
}

/** The documentation sections, in the order the docs and the man page list them. */
export const SECTIONS = [
  'Config File',
  'Server Socket',
  'Worker Processes',
  'Zero-downtime Replacement',
  'Security',
  'Debugging',
  'Server Mechanics',
  'Logging',
  'Process Naming',
  'Server Hooks',
  'SSL',
  'HTTP/2',
  'Metrics',
] as const;
export type Section = (typeof SECTIONS)[number];

/** How a hook is called: its parameter names (for docs) and how many it takes (checked). */
export interface HookSignature {
  params: readonly string[];
  /** The process that calls it: worker hooks reach the workers (by config text or embedding). */
  runsIn: 'arbiter' | 'worker';
}

export interface SettingDecl<N extends string = string, T = unknown> {
  /** Gunicorn's snake_case name, used in config files, INI files and --print-config. */
  readonly name: N;
  readonly section: Section;
  /** Command-line flags exactly as Gunicorn spells them; absent for file-only settings. */
  readonly cli?: readonly string[];
  /** Placeholder shown after the flag in --help and the man page (INT, FILE, ...). */
  readonly meta?: string;
  /** Validation of the value; hooks have none (they are checked as functions). */
  readonly schema: JsonSchema;
  /** A literal: the environment is a layer, never a default. */
  readonly default: T;
  /** Markdown. The first sentence is the short help line. */
  readonly desc: string;
  /** Present for server hooks: the value is a function (or null). */
  readonly hook?: HookSignature;
  /** Gunicorn settings with no Node meaning: setting them is an error with this explanation. */
  readonly unsupported?: string;
  /** Only meaningful on the command line (config, check_config, print_config, version). */
  readonly cliOnly?: boolean;
  /** Human form of the default for docs when the literal is not telling (e.g. "stderr"). */
  readonly defaultDoc?: string;
  /**
   * Accepted for compatibility but without effect on Node: the loader warns with this text
   * when the setting is given a value other than its default.
   */
  readonly noEffect?: string;
  /**
   * Converts a value the schema cannot coerce by itself (e.g. umask "0o22" → 18) before
   * validation. Returns the input unchanged when it cannot convert, so validation reports it.
   */
  readonly coerce?: (value: unknown) => unknown;
  /** The value a flag given without one means (`--proxy-protocol` alone); the flag then takes an optional value. */
  readonly cliBare?: string;
  /** A form older Gunicorn versions used: still read, and --print-config says so with `note`. */
  readonly legacy?: { readonly isLegacy: (raw: unknown) => boolean; readonly note: string };
}

export function defineSetting<const N extends string, T>(decl: SettingDecl<N, T>): SettingDecl<N, T> {
  return Object.freeze(decl);
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type EntryOf<S> = S extends SettingDecl<infer N, infer T> ? { readonly [K in N]: T } : never;

/** The typed, frozen configuration object built from a list of declarations. */
export type ConfigOf<L extends readonly SettingDecl<string, unknown>[]> = UnionToIntersection<EntryOf<L[number]>>;
