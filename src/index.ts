// The public API of the gunicorn-ts package: typed config files (defineConfig) and the
// types hooks receive. Embedding (BaseApplication) is exported from here too.
import type { Config } from './config/registry.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/**
 * What a gunicorn.conf.ts may export: any subset of the settings, by snake_case name.
 * `workers` may also be written `'auto'` (or PM2's `'max'`); the loaded Config holds the number.
 */
export type GunicornConfig = Partial<Omit<Mutable<Config>, 'workers'> & { workers: Config['workers'] | 'auto' | 'max' }>;

/** Identity function that gives a config file its types: `export default defineConfig({ workers: 4 })`. */
export function defineConfig<T extends GunicornConfig | (() => GunicornConfig | Promise<GunicornConfig>)>(config: T): T {
  return config;
}

export type { Config } from './config/registry.js';
export type { ServerRef, WorkerRef, WorkerSelf, HookLogger, SslContextHook } from './config/hook-types.js';
export { Logger, createLogger } from './log/index.js';
export type { LogSettings, Level as LogLevel, AccessRecord } from './log/index.js';
export { BaseApplication } from './app/base-application.js';
export { BaseWorker } from './worker/worker-class.js';
export type { WorkerInfo } from './worker/worker-class.js';
// HTTP edge (issue 4): the client address and scheme the edge decided for a request.
export { clientAddress, requestScheme, proxyHeaderOf } from './http/index.js';
