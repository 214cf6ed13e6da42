// Text for the control commands' answers: the worker table (`status`, `show workers`), the
// overview, stats, config, listeners and help. Pure formatting; colour only when asked
// (the caller asks when writing to a terminal). `-j`/`--json` bypasses all of it.
import type { StatusReport, WorkerStatus } from './report.js';

/** 75 → "1m15s", 4000 → "1h06m". */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const s = Math.floor(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** Bytes in MiB with one decimal, `-` when unknown. */
export function formatMemory(bytes: number | null): string {
  return bytes === null ? '-' : `${(bytes / 1048576).toFixed(1)} MiB`;
}

export interface FormatOptions {
  /** ANSI colours (a terminal that wants them). */
  readonly colour: boolean;
}

const PLAIN: FormatOptions = { colour: false };
const STATE_COLOURS: Readonly<Record<string, string>> = {
  ready: '32', warming: '36', booting: '36', tired: '33', draining: '35', killing: '31',
};

function paint(text: string, code: string | undefined, opts: FormatOptions): string {
  return opts.colour && code !== undefined ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Left-aligned columns; colour is applied after padding so escapes never skew the widths. */
function table(headers: readonly string[], rows: readonly string[][], colourOf: (row: number, col: number) => string | undefined, opts: FormatOptions): string[] {
  const all = [[...headers], ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r, ri) => r.map((cell, ci) => {
    const padded = ci === r.length - 1 ? cell : cell.padEnd(widths[ci]!);
    return ri === 0 ? paint(padded, '1', opts) : paint(padded, colourOf(ri - 1, ci), opts);
  }).join('  ').trimEnd());
}

const WORKER_HEADERS = ['PID', 'ID', 'INSTANCE', 'GEN', 'STATE', 'AGE', 'REQUESTS', 'CPU', 'RSS', 'LAST BEAT'] as const;

function workerRow(w: WorkerStatus): string[] {
  const state = w.tiredCause === undefined ? w.state : `${w.state} (${w.tiredCause})`;
  return [
    w.pid === null ? '-' : String(w.pid), String(w.id), w.instance === null ? '-' : String(w.instance), String(w.generation), state,
    formatDuration(w.age), String(w.requests), w.cpu === null ? '-' : `${w.cpu.toFixed(1)}%`,
    formatMemory(w.rss), `${formatDuration(w.lastBeat)} ago`,
  ];
}

export function formatStatus(report: StatusReport, opts: FormatOptions = PLAIN): string {
  const m = report.master;
  const head = `master ${m.pid} (${m.procName}), gunicorn-ts ${m.version}, ${m.phase}, up ${formatDuration(m.uptime)}, ` +
    `generation ${m.generation}, ${report.workers.length} of ${m.workers} workers`;
  const counts = `restarts: ${m.counts.died} unplanned, ${m.counts.spawned} workers started, ${m.counts.reloads} reloads`;
  const lines = table(WORKER_HEADERS, report.workers.map(workerRow), (r, c) => (c === WORKER_HEADERS.indexOf('STATE') ? STATE_COLOURS[report.workers[r]!.state] : undefined), opts);
  return [paint(head, '1', opts), counts, ...lines].join('\n');
}

export interface ListenerLine {
  readonly address: string;
  readonly type: string;
  readonly fd: number | null;
}

export function formatListeners(listeners: readonly ListenerLine[], opts: FormatOptions = PLAIN): string {
  if (listeners.length === 0) return 'No listeners bound';
  const rows = listeners.map((l) => [l.address, l.type, l.fd === null ? '-' : String(l.fd)]);
  return [...table(['ADDRESS', 'TYPE', 'FD'], rows, () => undefined, opts), '', `Total: ${listeners.length} listeners`].join('\n');
}

export function formatStats(stats: Readonly<Record<string, unknown>>): string {
  const label = (key: string): string => `${key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase())}:`;
  const uptime = typeof stats['uptime'] === 'number' ? formatDuration(stats['uptime']) : String(stats['uptime']);
  return Object.entries(stats).map(([k, v]) => `${label(k).padEnd(18)}${k === 'uptime' ? uptime : String(v)}`).join('\n');
}

export function formatConfig(config: Readonly<Record<string, unknown>>): string {
  return Object.keys(config).sort().map((k) => `${k}: ${JSON.stringify(config[k])}`).join('\n');
}

export function formatHelp(commands: Readonly<Record<string, string>>): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return ['Available commands:', '', ...Object.entries(commands).map(([c, d]) => `  ${c.padEnd(width + 2)}${d}`), '',
    'In interactive mode, quit (or exit, or end of input) leaves.'].join('\n');
}
