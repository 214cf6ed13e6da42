// The typed shape of a config file (and of BaseApplication.loadConfig()), and defineConfig(),
// the identity function that gives a gunicorn.conf.ts its types. Public through index.ts.
import type { Config } from './registry.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** What a gunicorn.conf.ts may export: any subset of the settings, by snake_case name. */
export type GunicornConfig = Partial<Mutable<Config>>;

/** Identity function that gives a config file its types: `export default defineConfig({ workers: 4 })`. */
export function defineConfig<T extends GunicornConfig | (() => GunicornConfig | Promise<GunicornConfig>)>(config: T): T {
  return config;
}
