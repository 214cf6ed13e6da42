// The public API of the gunicorn-ts package: typed config files (defineConfig) and the
// types hooks receive. Embedding (BaseApplication) is exported from here too.
import type { Config } from './config/registry.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** What a gunicorn.conf.ts may export: any subset of the settings, by snake_case name. */
export type GunicornConfig = Partial<Mutable<Config>>;

/** Identity function that gives a config file its types: `export default defineConfig({ workers: 4 })`. */
export function defineConfig<T extends GunicornConfig | (() => GunicornConfig | Promise<GunicornConfig>)>(config: T): T {
  return config;
}

export type { Config } from './config/registry.js';
export type { ServerRef, WorkerRef, WorkerSelf, HookLogger } from './config/hook-types.js';
export { Logger, createLogger } from './log/index.js';
export type { LogSettings, Level as LogLevel, AccessRecord } from './log/index.js';
export { BaseApplication } from './app/base-application.js';
export { BaseWorker } from './worker/worker-class.js';
export type { WorkerInfo } from './worker/worker-class.js';
// WebSockets and other long-lived connections: the app's signal that its worker is draining.
export { onDrain } from './worker/drain-notice.js';
export type { DrainNotice, DrainListener } from './worker/drain-notice.js';
// HTTP edge (issue 4): the client address and scheme the edge decided for a request.
export { clientAddress, requestScheme, proxyHeaderOf } from './http/index.js';
