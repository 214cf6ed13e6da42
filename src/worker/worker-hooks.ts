// Runs the server hooks that Gunicorn calls inside a worker (post_worker_init, pre_request,
// post_request, worker_int, worker_abort, worker_exit). A hook that throws or rejects is logged
// with its name and never takes the worker down.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HookLogger, ServerRef, WorkerSelf } from '../config/hook-types.js';
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
  call(name: WorkerHookName, ...rest: [] | [IncomingMessage] | [IncomingMessage, ServerResponse]): Promise<void> {
    return this.#run(name, [this.self, ...rest]);
  }

  /** worker_exit(server, worker): Gunicorn's arguments, called in the worker as it exits. */
  workerExit(server: ServerRef): Promise<void> {
    return this.#run('worker_exit', [server, this.self]);
  }

  async #run(name: string, args: unknown[]): Promise<void> {
    const hook = this.hooks[name] as ((...args: unknown[]) => unknown) | undefined;
    if (!hook) return;
    try {
      await hook(...args);
    } catch (err) {
      this.log.error(`hook ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
}

/**
 * The arbiter as worker_exit sees it from inside the worker: its pid, the target number of
 * workers and the settings; of the workers, only this one is known here.
 */
export function serverFromWorker(init: WorkerInitMessage, self: WorkerSelf): ServerRef {
  return { pid: process.ppid, numWorkers: init.settings.workers, workers: [self], log: self.log, cfg: init.settings };
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
