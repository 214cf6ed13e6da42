// Runs the server hooks that Gunicorn calls inside a worker (post_worker_init, pre_request,
// post_request, worker_int, worker_abort). A hook that throws or rejects is logged with its
// name and never takes the worker down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HookLogger, WorkerSelf } from '../config/hook-types.js';
import type { WorkerInitMessage } from './ipc.js';
import type { HookFunction } from '../config/worker-config.js';

export type WorkerHookName = 'post_worker_init' | 'worker_int' | 'worker_abort' | 'pre_request' | 'post_request';

export class WorkerHooks {
  constructor(
    private readonly hooks: Partial<Record<string, HookFunction>>,
    private readonly self: WorkerSelf,
    private readonly log: HookLogger,
  ) {}

  has(name: WorkerHookName): boolean {
    return typeof this.hooks[name] === 'function';
  }

  /** Calls `name(worker, ...rest)` and waits for it when it returns a promise. */
  async call(name: WorkerHookName, ...rest: [] | [IncomingMessage] | [IncomingMessage, ServerResponse]): Promise<void> {
    const hook = this.hooks[name] as ((...args: unknown[]) => unknown) | undefined;
    if (!hook) return;
    try {
      await hook(this.self, ...rest);
    } catch (err) {
      this.log.error(`hook ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
}

/** The worker as its hooks see it (Gunicorn's `worker` argument). */
export function workerSelf(init: WorkerInitMessage, log: HookLogger, served: () => number): WorkerSelf {
  return {
    id: init.id,
    pid: process.pid,
    generation: init.generation,
    maxRequests: init.maxRequests,
    log,
    cfg: init.settings,
    get requests() { return served(); },
  };
}
