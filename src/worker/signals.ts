// The worker's signal table, as Gunicorn's workers have it: TERM drains gracefully,
// INT/QUIT exit at once (worker_int hook first), ABRT runs worker_abort and exits 1,
// USR1 reopens logs. HUP, WINCH, TTIN and TTOU are meant for the arbiter: ignored here,
// so a signal sent to the whole process group cannot stop or kill a worker by accident.
// SIGTERM listeners the app adds are held back and run after the drain (app-shutdown.ts).
import { appTermListeners } from './app-shutdown.js';

export interface SignalActions {
  graceful(): void;
  quick(): void;
  abort(): void;
  reopenLogs(): void;
}

const IGNORED = ['SIGHUP', 'SIGWINCH', 'SIGTTIN', 'SIGTTOU'] as const;

export function installSignals(actions: SignalActions): void {
  process.on('SIGTERM', () => actions.graceful());
  appTermListeners.capture();
  process.on('SIGINT', () => actions.quick());
  process.on('SIGQUIT', () => actions.quick());
  process.on('SIGABRT', () => actions.abort());
  process.on('SIGUSR1', () => actions.reopenLogs());
  for (const sig of IGNORED) process.on(sig, () => undefined);
}
