// Gunicorn's signals and what each asks a process to do, as tables: the master's (the
// arbiter installs a handler per row) and the workers'. docs/signals.md is written from
// these tables (signals-doc.ts), so the documentation cannot drift from the handlers.

export type SignalAction = 'graceful-stop' | 'quick-stop' | 'reload' | 'increase-workers' | 'decrease-workers' | 'reopen-logs' | 'reexec' | 'stop-workers';

export interface SignalRow {
  readonly signal: NodeJS.Signals;
  /** One sentence: what happens. */
  readonly meaning: string;
  /** Details an operator needs (Markdown), or '' when the meaning says it all. */
  readonly details: string;
}

export const MASTER_SIGNALS: ReadonlyArray<SignalRow & { readonly action: SignalAction }> = [
  {
    signal: 'SIGTERM', action: 'graceful-stop',
    meaning: 'Graceful shutdown: workers finish their requests, up to graceful_timeout.',
    details: 'Workers stop accepting, answer what they have in flight (keep-alive connections get `Connection: close`), run `worker_exit` and then the cleanup of the app (its `close()`, its `SIGTERM` and `beforeExit` listeners; WebSocket apps are told through `onDrain`, see [workers.md](workers.md#how-a-worker-stops)), and are cut off at `graceful_timeout`. Then the pidfile and Unix socket files are removed and the master exits 0.',
  },
  { signal: 'SIGINT', action: 'quick-stop', meaning: 'Quick shutdown.', details: 'Workers get SIGQUIT and exit at once (after `worker_int`); requests in flight are cut. Exit status 0.' },
  { signal: 'SIGQUIT', action: 'quick-stop', meaning: 'Quick shutdown.', details: 'As INT.' },
  {
    signal: 'SIGHUP', action: 'reload',
    meaning: 'Reload the configuration and the app; replace the workers.',
    details: 'The configuration is read again and applied as a start would (new `bind` addresses, logging, pidfile; see "Reloading" below), `on_reload` runs, and a new generation of workers starts with the new settings and a fresh load of the app. Each old worker serves until its replacement is ready, then drains: capacity never drops, whatever the options (`max_restarting_workers` bounds how many replacements run at once; by default half the cores). A configuration that does not load or cannot be applied is logged and the running one is kept whole. `workers` goes back to its configured value (undoing TTIN/TTOU).',
  },
  { signal: 'SIGTTIN', action: 'increase-workers', meaning: 'One more worker.', details: '`nworkers_changed` runs.' },
  { signal: 'SIGTTOU', action: 'decrease-workers', meaning: 'One worker fewer (the oldest leaves).', details: 'Never below one worker; a worker still booting leaves before a serving one.' },
  { signal: 'SIGUSR1', action: 'reopen-logs', meaning: 'Reopen the log files (also in every worker).', details: 'For logrotate without `copytruncate`. Without this handler Node would open its inspector on port 9229 instead.' },
  {
    signal: 'SIGUSR2', action: 'reexec',
    meaning: 'Start a new master on the same sockets; the pidfile becomes PIDFILE.oldbin.',
    details: '`pre_exec` runs, then a new master starts from the current binary and config, inherits the listening sockets and writes PIDFILE. Both masters serve until the old one gets TERM (or WINCH, when daemonized). If the new master dies, the old one renames PIDFILE.oldbin back to PIDFILE.',
  },
  { signal: 'SIGWINCH', action: 'stop-workers', meaning: 'When daemonized: stop the workers gracefully, keep the master.', details: 'Ignored when not daemonized (it is sent on every terminal resize). HUP starts workers again.' },
];

/** What the workers do with the signals they handle; the arbiter sends them, operators rarely need to. */
export const WORKER_SIGNALS: readonly SignalRow[] = [
  { signal: 'SIGTERM', meaning: 'Graceful shutdown: stop accepting, finish in-flight requests, exit.', details: '' },
  { signal: 'SIGINT', meaning: 'Quick shutdown, after the `worker_int` hook.', details: '' },
  { signal: 'SIGQUIT', meaning: 'Quick shutdown, after the `worker_int` hook.', details: '' },
  { signal: 'SIGABRT', meaning: 'Sent by the arbiter when the worker missed its heartbeat for `timeout` seconds: `worker_abort` runs if the event loop comes back, then exit.', details: 'A worker still blocked gets SIGKILL 5 seconds later.' },
  { signal: 'SIGUSR1', meaning: 'Reopen the log files.', details: '' },
];
