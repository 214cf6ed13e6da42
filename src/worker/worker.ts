// The worker process's lifecycle: wait for init, boot (environment, app, hooks, listening,
// post_worker_init), report booted/warmed/tired and heartbeats, then drain on retire or TERM.
// Boot failures are reported with Gunicorn's exit codes (3 boot error, 4 app not found).
import { WORKER_BOOT_ERROR } from '../ipc/messages.js';
import { AppBootError, appErrorExitCode, describeThrown } from '../app/errors.js';
import { sendAndFlush, isToWorker, waitForInit } from './ipc.js';
import { installSignals } from './signals.js';
import { openWorkerLog, reopenLogs, workerLog as log } from './worker-log.js';
import { WorkerHooks } from './worker-hooks.js';
import { readWorkerSettings } from './worker-settings.js';
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
  const graceful = (): void => (worker ? worker.drain.start() : process.exit(0));
  installSignals({
    graceful,
    quick: () => void quickExit(hooks, 'worker_int', 0),
    abort: () => void quickExit(hooks, 'worker_abort', 1),
    reopenLogs,
  });
  handoverSignals();
  process.on('message', (msg: unknown) => {
    if (!isToWorker(msg)) return;
    if (msg.type === 'retire') graceful();
    else if (msg.type === 'reopen-logs') reopenLogs();
  });
  const init = await waitForInit();
  try {
    await openWorkerLog(init);
    // user/group/umask (issue 3): switched before any app code is loaded.
    applyWorkerIdentity(init.settings);
    const settings = readWorkerSettings(init.settings);
    process.title = `gunicorn-ts: worker [${settings.procName ?? settings.app ?? 'app'}]`;
    worker = await bootWorker(init, settings, log, (h) => { hooks = h; });
  } catch (err) {
    await bootFailed(err);
  }
}

async function bootFailed(err: unknown): Promise<never> {
  const code = appErrorExitCode(err);
  const message = describeThrown(err);
  // Reported here, once, with the app's stack; the arbiter only records that this worker failed.
  const stack = err instanceof AppBootError && err.appStack !== null ? { stack: err.appStack } : {};
  log.error(`${code === WORKER_BOOT_ERROR ? 'Worker failed to boot' : 'App failed to load'}: ${message}`, stack);
  await sendAndFlush({ type: 'boot-failed', code, message });
  process.exit(code);
}

async function quickExit(hooks: WorkerHooks | null, hook: 'worker_int' | 'worker_abort', code: number): Promise<void> {
  if (hooks) {
    const cap = new Promise<void>((resolve) => setTimeout(resolve, QUICK_EXIT_HOOK_MS).unref());
    await Promise.race([hooks.call(hook), cap]);
  }
  process.exit(code);
}
