// Gunicorn's master signals and what each asks the arbiter to do, as one table.
// docs/signals.md is written from this table.

export type SignalAction = 'graceful-stop' | 'quick-stop' | 'reload' | 'increase-workers' | 'decrease-workers' | 'reopen-logs' | 'reexec' | 'stop-workers';

export const MASTER_SIGNALS: ReadonlyArray<{ signal: NodeJS.Signals; action: SignalAction; meaning: string }> = [
  { signal: 'SIGTERM', action: 'graceful-stop', meaning: 'Graceful shutdown: workers finish their requests, up to graceful_timeout.' },
  { signal: 'SIGINT', action: 'quick-stop', meaning: 'Quick shutdown.' },
  { signal: 'SIGQUIT', action: 'quick-stop', meaning: 'Quick shutdown.' },
  { signal: 'SIGHUP', action: 'reload', meaning: 'Reload the configuration and the app; replace the workers without dropping capacity.' },
  { signal: 'SIGTTIN', action: 'increase-workers', meaning: 'One more worker.' },
  { signal: 'SIGTTOU', action: 'decrease-workers', meaning: 'One worker fewer (the oldest leaves).' },
  { signal: 'SIGUSR1', action: 'reopen-logs', meaning: 'Reopen the log files (also in every worker).' },
  { signal: 'SIGUSR2', action: 'reexec', meaning: 'Start a new master on the same sockets; the pidfile becomes PIDFILE.oldbin.' },
  { signal: 'SIGWINCH', action: 'stop-workers', meaning: 'When daemonized: stop the workers gracefully, keep the master.' },
];
