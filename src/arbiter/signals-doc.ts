// Renders docs/signals.md from the signal tables in signals.ts; listed with the other
// generated files (src/config/render/generated.ts), so a stale copy fails the tests.
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
