// A worker's graceful stop (SIGTERM, or the arbiter's `retire`), in order, all within
// graceful_timeout from its start:
//   1. stop accepting; tell the app's onDrain listeners, with the deadline;
//   2. drain HTTP: in-flight requests finish, keep-alive connections close (drain.ts);
//   3. worker_exit(server, worker), in this process as in Gunicorn;
//   4. the app's cleanup: close() on the app object, then its own SIGTERM listeners, then its
//      beforeExit listeners (app-before-exit.ts);
//   5. wait for upgraded connections (WebSockets) the app is closing;
//   6. send the last counts to the arbiter and exit 0.
// At the deadline whatever is still running is cut off, with a log line naming the step.
import type { HookLogger } from '../config/hook-types.js';
import type { ConnectionGate } from './connection-gate.js';
import type { Drain } from './drain.js';
import { notifyDrain } from './drain-notice.js';
import { closeApp, hasClose, type AppTermListeners } from './app-shutdown.js';
import type { AppBeforeExit } from './app-before-exit.js';

export interface ShutdownParts {
  readonly gate: ConnectionGate;
  readonly drain: Drain;
  readonly gracefulMs: number;
  readonly log: HookLogger;
  /** The app object as loaded (for close()); undefined for composed (--paste) apps. */
  readonly app: unknown;
  readonly termListeners: AppTermListeners;
  readonly beforeExit: AppBeforeExit;
  /** Runs the worker_exit hook. */
  workerExit(): Promise<void>;
  /** Stops heartbeats and sends the last counts; the process exits right after. */
  finish(): Promise<void>;
}

/**
 * The worker cuts itself off a little before graceful_timeout: the arbiter's SIGKILL comes at
 * graceful_timeout after it sent `retire`, and the worker's log line should come first.
 */
export function cutOffMs(gracefulMs: number): number {
  return gracefulMs - Math.min(250, gracefulMs / 10);
}

export class Shutdown {
  #step: string | null = null;

  constructor(private readonly parts: ShutdownParts) {}

  get started(): boolean { return this.#step !== null; }

  /** Starts the graceful stop (idempotent); the process exits when it is done or cut off. */
  start(): void {
    if (this.#step !== null) return;
    this.#step = 'waiting for HTTP connections to drain';
    const { gracefulMs, log } = this.parts;
    const hard = setTimeout(() => {
      log.warning(`Worker exiting (graceful_timeout of ${gracefulMs / 1000}s reached while ${this.#step}; cut off)`);
      this.parts.gate.destroyAll();
      this.#exit();
    }, cutOffMs(gracefulMs));
    void this.#run(Date.now() + gracefulMs).then(() => {
      clearTimeout(hard);
      log.info('Worker exiting (drained)');
      this.#exit();
    });
  }

  async #run(deadline: number): Promise<void> {
    const { gate, drain, log, app, termListeners, beforeExit, gracefulMs } = this.parts;
    const failed = (what: string) => (err: unknown): void =>
      log.error(`${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const drained = drain.start();
    // The drain notice runs beside the HTTP drain: long-lived connections close meanwhile.
    const noticed = notifyDrain({ deadline, gracefulTimeoutMs: gracefulMs }, failed('onDrain listener'));
    await drained;
    this.#step = 'running worker_exit';
    await this.parts.workerExit();
    if (hasClose(app)) {
      this.#step = "waiting for the app's close()";
      await closeApp(app).catch(failed('app close()'));
    }
    if (termListeners.count > 0) {
      this.#step = "running the app's SIGTERM listeners";
      await termListeners.run(failed('SIGTERM listener'));
    }
    if (beforeExit.count > 0) {
      this.#step = "running the app's beforeExit listeners";
      await beforeExit.run(failed('beforeExit listener'));
    }
    this.#step = "waiting for the app's onDrain listeners";
    await noticed;
    this.#step = 'waiting for the app to close its upgraded connections (WebSockets)';
    await gate.whenEmpty();
  }

  #exit(): void {
    void this.parts.finish().then(() => process.exit(0));
  }
}
