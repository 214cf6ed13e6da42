// The public API of the gunicorn-ts package: typed config files (defineConfig) and the
// types hooks receive. Embedding (BaseApplication) is exported from here too.
export { defineConfig } from './config/define-config.js';
export type { GunicornConfig, GunicornConfigFactory, Hooks, Settings } from './config/public-types.js';
export type { Config } from './config/registry.js';
export type { ServerRef, WorkerRef, WorkerSelf, HookLogger, SslContextHook } from './config/hook-types.js';
export { Logger, createLogger } from './log/index.js';
export type { LogSettings, Level as LogLevel, AccessRecord } from './log/index.js';
export { BaseApplication } from './base-application.js';
export { BaseWorker } from './worker/worker-class.js';
export type { WorkerInfo } from './worker/worker-class.js';
// WebSockets and other long-lived connections: the app's signal that its worker is draining.
export { onDrain } from './worker/drain-notice.js';
export type { DrainNotice, DrainListener } from './worker/drain-notice.js';
// HTTP edge: the client address and scheme the edge decided for a request.
export { clientAddress, requestScheme, proxyHeaderOf } from './http/index.js';
