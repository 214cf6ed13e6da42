// defineConfig(), the identity function that gives a gunicorn.conf.ts its types (the named
// interfaces live in public-types.ts). Public through index.ts.
import type { GunicornConfig, GunicornConfigFactory } from './public-types.js';

// Not generic (`<T extends GunicornConfig>`): a type parameter turns off TypeScript's
// excess-property check, so a misspelled key would pass. Not overloaded either: a failed
// call would then report every overload instead of the misspelled key.
/** Identity function that gives a config file its types: `export default defineConfig({ workers: 4 })`. */
export function defineConfig(config: GunicornConfig | GunicornConfigFactory): GunicornConfig | GunicornConfigFactory {
  return config;
}
