// The objects server hooks receive, in Node terms. Gunicorn passes its Arbiter and Worker
// instances; gunicorn-ts passes these narrow views so hooks cannot reach into internals.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecureContext, TlsOptions } from 'node:tls';

/** What hooks may log through; the methods mirror Gunicorn's level names. */
export interface HookLogger {
  debug(msg: string, extra?: Record<string, unknown>): void;
  info(msg: string, extra?: Record<string, unknown>): void;
  warning(msg: string, extra?: Record<string, unknown>): void;
  error(msg: string, extra?: Record<string, unknown>): void;
  critical(msg: string, extra?: Record<string, unknown>): void;
}

/** A worker as the arbiter sees it (pre_fork, post_fork, worker_exit, child_exit). */
export interface WorkerRef {
  /** The worker's number (its GUNICORN_WORKER_ID), never reused; the reusable slot is NODE_APP_INSTANCE. */
  readonly id: number;
  /** 0 before the process exists (pre_fork). */
  readonly pid: number;
  /** Incremented on every HUP reload. */
  readonly generation: number;
  /** Requests after which this worker retires (max_requests plus its jitter), 0 = never. */
  readonly maxRequests: number;
}

/** The arbiter as hooks see it (Gunicorn's `server` argument). */
export interface ServerRef {
  readonly pid: number;
  /** Target number of workers. */
  readonly numWorkers: number;
  readonly workers: readonly WorkerRef[];
  readonly log: HookLogger;
  /** The effective settings, by snake_case name. */
  readonly cfg: Readonly<Record<string, unknown>>;
}

/** The worker process as hooks in the worker see it (post_worker_init, pre_request, ...). */
export interface WorkerSelf extends WorkerRef {
  readonly log: HookLogger;
  readonly cfg: Readonly<Record<string, unknown>>;
  /** Requests this worker has served so far. */
  readonly requests: number;
}

export type MaybePromise<T> = T | Promise<T>;
export type ServerHook = (server: ServerRef) => MaybePromise<void>;
export type WorkerHook = (server: ServerRef, worker: WorkerRef) => MaybePromise<void>;
export type WorkerSelfHook = (worker: WorkerSelf) => MaybePromise<void>;
export type PreRequestHook = (worker: WorkerSelf, req: IncomingMessage) => MaybePromise<void>;
export type PostRequestHook = (worker: WorkerSelf, req: IncomingMessage, res: ServerResponse) => MaybePromise<void>;
export type NWorkersChangedHook = (server: ServerRef, newValue: number, oldValue: number | null) => MaybePromise<void>;

/**
 * ssl_context: receives the settings and a factory of the TLS options the SSL settings give
 * (a fresh object on each call), and returns the options to serve with (SNICallback included)
 * or a ready `tls.SecureContext`. Called synchronously in each worker and once at preflight.
 */
export type SslContextHook = (config: Readonly<Record<string, unknown>>, defaultSslContextFactory: () => TlsOptions) => TlsOptions | SecureContext;
