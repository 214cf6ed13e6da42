// The types a config file is checked against: GunicornConfig (every setting, snake_case or
// camelCase) and Hooks. They are interfaces, not aliases, so editors and tsc name them in
// hovers and errors instead of printing the registry's mapped intersection.
import type { Config } from './registry.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** `max_requests` → `maxRequests`: the spelling the config file loader maps back to snake_case. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type Camelised<T> = { [K in keyof T as K extends string ? CamelCase<K> : never]: T[K] };

// A hook is the one kind of setting whose value is a function.
type HookName = { [K in keyof Config]: [Exclude<Config[K], null>] extends [never] ? never : Exclude<Config[K], null> extends (...args: never[]) => unknown ? K : never }[keyof Config];
type HookValues = Pick<Mutable<Config>, HookName>;
// `workers` may also be written 'auto' (or PM2's 'max'): the loaded Config holds the number.
type SettingValues = Omit<Mutable<Config>, HookName | 'workers'> & { workers: Config['workers'] | 'auto' | 'max' };

/** The server hooks a TS/JS config file may define, by snake_case or camelCase name. */
export interface Hooks extends Partial<HookValues>, Partial<Camelised<HookValues>> {}

/** Every non-hook setting, by Gunicorn's snake_case name or its camelCase spelling. */
export interface Settings extends Partial<SettingValues>, Partial<Camelised<SettingValues>> {}

/** What a gunicorn.conf.ts may export: any subset of the settings and hooks. */
export interface GunicornConfig extends Settings, Hooks {}

/** A config file's default export may also be a function (async or not) returning the settings. */
export type GunicornConfigFactory = () => GunicornConfig | Promise<GunicornConfig>;
