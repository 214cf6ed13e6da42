// Renders docs/signals.md from the signal tables in signals.ts; listed with the other
// generated files (src/config/render/generated.ts), so a stale copy fails the tests.
import { RESTART_ONLY } from './reload-plan.js';
import { MASTER_SIGNALS, WORKER_SIGNALS } from './signals.js';
import type { SignalRow } from './signals.js';

const NOTE = 'Generated from src/arbiter/signals.ts — do not edit. Run `npm run gen` after changing the tables.';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(rows: readonly SignalRow[]): string[] {
  return [
    '| Signal | What happens | Details |',
    '|---|---|---|',
    ...rows.map((r) => `| \`${r.signal.slice(3)}\` | ${cell(r.meaning)} | ${cell(r.details)} |`),
  ];
}

function reloading(): string[] {
  return [
    '## Reloading (HUP)',
    '',
    '`kill -HUP "$(cat /run/app.pid)"` (or `systemctl reload`) re-reads the configuration and applies it:',
    '',
    '- **Workers**: a new generation starts with the new settings and code. An old worker retires only once',
    '  its replacement is ready, so the number of workers accepting connections never falls below',
    '  `workers`; at most `max_restarting_workers` replacements run at once (0, the default: half the',
    '  machine\'s available parallelism, at least one, so the new workers booting leave cores to the old',
    '  ones still serving; `--max-restarting-workers N` overrides it). This holds',
    '  without any option: `wait_for_new_workers` only decides the same for `max_requests` and',
    '  `max_worker_memory` recycling. Gunicorn documents HUP as "start the new worker processes with a new',
    '  configuration and gracefully shutdown older workers", which is this order.',
    '- **`bind`**: new addresses are bound (and logged, "Listening at: ...") before any new worker starts;',
    '  an address that stays keeps its socket, so nothing queued on it is lost. A removed address keeps',
    '  listening until the last old worker that serves it has drained, then it is closed ("Stopped',
    '  listening at: ...") and a Unix socket file is removed. Connections that reach a removed address',
    '  after its workers stopped accepting are refused: move clients to the new address first. Sockets',
    '  inherited from systemd are not the master\'s to change (its `.socket` unit is).',
    '- **Logging**: `loglevel`, `errorlog`, `accesslog`, `access_log_format`, `log_format`, `logconfig`',
    '  (read again), `logger_class`, `syslog*` and `statsd*` apply in the master at once and in every new',
    '  worker; old workers keep theirs until they leave.',
    '- **`pidfile`**: a new path is written and the old file removed; `proc_name` retitles the master. A',
    '  control socket at its default path (`<pidfile>.ctl`) stays where it was opened.',
    '- **Everything else** (`workers`, timeouts, the worker class, TLS files, `raw_env`, `chdir`, hooks,',
    '  ...) reaches the new workers, which receive the settings when they start; `backlog` also applies',
    '  to the sockets that stay.',
    '- **A configuration that fails** to load, to bind a new address, to open a log file or to write the',
    '  new pidfile is logged ("Reload failed, keeping the running configuration: ...") and nothing of it',
    '  applies.',
    '',
    'These settings are read once, when the master starts. A HUP that changes one keeps its running value',
    'and logs a warning naming it ("Reload cannot apply daemon (false → true): ...").',
    '',
    '| Setting | Why HUP cannot apply it | What applies it |',
    '|---|---|---|',
    ...RESTART_ONLY.map((r) => `| \`${r.name}\` | ${cell(r.why)} | ${r.fix === 'USR2' ? 'USR2 (a new master)' : 'a restart'} |`),
  ];
}

const UPGRADE = [
  '## Upgrading without downtime (USR2)',
  '',
  '```sh',
  'kill -USR2 "$(cat /run/app.pid)"        # new master + workers; app.pid.oldbin names the old one',
  '# check the new workers serve, then retire the old master:',
  'kill -TERM "$(cat /run/app.pid.oldbin)"',
  '```',
  '',
  'To roll back instead, TERM the new master (`kill -TERM "$(cat /run/app.pid)"`): the old master',
  'notices, renames `app.pid.oldbin` back to `app.pid` and keeps serving. The sockets, Unix socket',
  'files included, stay open throughout: both masters share them and the last one to stop removes',
  'the files.',
];

export function renderSignalsMarkdown(): string {
  const lines = [
    `<!-- ${NOTE} -->`,
    '',
    '# Signals',
    '',
    "gunicorn-ts answers Gunicorn's signals. Send them to the master (the arbiter), whose pid is in",
    'the pidfile (`--pid`) and in every "Listening at" log line.',
    '',
    '## Master',
    '',
    ...table(MASTER_SIGNALS),
    '',
    ...reloading(),
    '',
    ...UPGRADE,
    '',
    '## Workers',
    '',
    'The arbiter signals its workers itself; sending these by hand is rarely needed. A worker that',
    'exits is replaced, and a worker never outlives its arbiter (it exits when the IPC channel closes).',
    '',
    ...table(WORKER_SIGNALS),
    '',
    '## Exit status of the master',
    '',
    '| Status | Meaning |',
    '|---|---|',
    '| 0 | Stopped by TERM, INT or QUIT. |',
    '| 1 | Configuration or startup error: bad setting, address in use after 5 tries, pidfile of a running instance, failing `on_starting`/`when_ready`, a daemon that did not start. |',
    '| 3 | A worker failed to boot: the app threw while loading ("Worker failed to boot"). |',
    '| 4 | The app failed to load: its module or export was not found ("App failed to load"). |',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
