// The public API of the gunicorn-ts package: typed config files (defineConfig) and the
// types hooks receive. Embedding (BaseApplication) is exported from here too.
import type { GunicornConfig, GunicornConfigFactory } from './config/public-types.js';

// Not generic (`<T extends GunicornConfig>`): a type parameter turns off TypeScript's
// excess-property check, so a misspelled key would pass. Not overloaded either: a failed
// call would then report every overload instead of the misspelled key.
/** Identity function that gives a config file its types: `export default defineConfig({ workers: 4 })`. */
export function defineConfig(config: GunicornConfig | GunicornConfigFactory): GunicornConfig | GunicornConfigFactory {
  return config;
}

export type { GunicornConfig, GunicornConfigFactory, Hooks, Settings } from './config/public-types.js';
export type { Config } from './config/registry.js';
export type { ServerRef, WorkerRef, WorkerSelf, HookLogger } from './config/hook-types.js';
export { Logger, createLogger } from './log/index.js';
export type { LogSettings, Level as LogLevel, AccessRecord } from './log/index.js';
export { BaseApplication } from './app/base-application.js';
export { BaseWorker } from './worker/worker-class.js';
export type { WorkerInfo } from './worker/worker-class.js';
// HTTP edge (issue 4): the client address and scheme the edge decided for a request.
export { clientAddress, requestScheme, proxyHeaderOf } from './http/index.js';
