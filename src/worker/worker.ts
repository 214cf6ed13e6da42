// The worker process's lifecycle: wait for init, boot (environment, app, hooks, listening,
// post_worker_init), report booted/warmed/tired and heartbeats, then shut down on retire or
// TERM (shutdown.ts: drain, worker_exit, the app's own cleanup).
// Boot failures are reported with Gunicorn's exit codes (3 boot error, 4 app not found).
import { WORKER_BOOT_ERROR } from '../ipc/messages.js';
import { AppBootError, appErrorExitCode, describeThrown } from '../app/errors.js';
import { listenToArbiter, sendAndFlush, type OrderHandlers } from './ipc.js';
import { installSignals } from './signals.js';
import { openWorkerLog, reopenLogs, workerLog as log } from './worker-log.js';
import { WorkerHooks } from './worker-hooks.js';
import { bootWorker, type BootedWorker } from './boot.js';
import { applyWorkerIdentity } from './privileges.js';

/** A hook called on the way out must not keep a quick exit from happening. */
const QUICK_EXIT_HOOK_MS = 2000;

export async function runWorker(handoverSignals: () => void): Promise<void> {
  if (!process.send) {
    process.stderr.write('gunicorn-ts worker: must be started by the gunicorn-ts arbiter (no IPC channel)\n');
    process.exit(1);
  }
  // The arbiter is gone (crashed, SIGKILLed): a worker must never outlive it.
  process.on('disconnect', () => process.exit(0));
  let worker: BootedWorker | null = null;
  let hooks: WorkerHooks | null = null;
  const graceful = (): void => (worker ? worker.shutdown.start() : process.exit(0));
  installSignals({
    graceful,
    quick: () => void quickExit(hooks, 'worker_int', 0),
    abort: () => void quickExit(hooks, 'worker_abort', 1),
    reopenLogs,
  });
  handoverSignals();
  // Every order the arbiter can send, in one table; before boot only retire and reopen-logs mean anything.
  const orders: OrderHandlers = {
    retire: () => graceful(),
    'reopen-logs': () => reopenLogs(),
    shed: (msg) => (msg.active ? worker?.shed.start() : worker?.shed.stop()),
    stats: () => worker?.stats.answer(),
  };
  const init = await listenToArbiter(orders);
  const { settings } = init;
  try {
    // Opened as the arbiter's user, before chdir: paths mean what they mean to the arbiter.
    await openWorkerLog(init);
    // user/group: switched before any app code (or config text) is evaluated.
    applyWorkerIdentity(settings);
    // The same name the master's title shows: proc_name, else the app, else the default.
    process.title = `gunicorn-ts: worker [${settings.proc_name ?? settings.app ?? settings.default_proc_name}]`;
    worker = await bootWorker(init, log, (h) => { hooks = h; });
  } catch (err) {
    await bootFailed(err);
  }
}

async function bootFailed(err: unknown): Promise<never> {
  const code = appErrorExitCode(err);
  const message = describeThrown(err);
  // The arbiter logs it: with -w N every worker fails alike, and the report is shown once.
  const stack = err instanceof AppBootError && err.appStack !== null ? { stack: err.appStack } : {};
  if (process.connected) await sendAndFlush({ type: 'boot-failed', code, message, ...stack });
  else log.error(`${code === WORKER_BOOT_ERROR ? 'Worker failed to boot' : 'App failed to load'}: ${message}`, stack);
  process.exit(code);
}

async function quickExit(hooks: WorkerHooks | null, hook: 'worker_int' | 'worker_abort', code: number): Promise<void> {
  if (hooks) {
    const cap = new Promise<void>((resolve) => setTimeout(resolve, QUICK_EXIT_HOOK_MS).unref());
    await Promise.race([hooks.call(hook), cap]);
  }
  process.exit(code);
}
