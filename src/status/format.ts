// The human-readable `status` output: one line about the master, then a table with one row
// per worker. Pure text formatting of a StatusReport; `--json` bypasses it.
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

const HEADERS = ['PID', 'ID', 'GEN', 'STATE', 'AGE', 'REQUESTS', 'RSS', 'LAST BEAT'] as const;

function row(w: WorkerStatus): string[] {
  const state = w.tiredCause === undefined ? w.state : `${w.state} (${w.tiredCause})`;
  return [
    w.pid === null ? '-' : String(w.pid), String(w.id), String(w.generation), state,
    formatDuration(w.age), String(w.requests), formatMemory(w.rss), `${formatDuration(w.lastBeat)} ago`,
  ];
}

export function formatStatus(report: StatusReport): string {
  const m = report.master;
  const head = `master ${m.pid} (${m.procName}), gunicorn-ts ${m.version}, ${m.phase}, up ${formatDuration(m.uptime)}, ` +
    `generation ${m.generation}, ${report.workers.length} of ${m.workers} workers`;
  const rows: string[][] = [[...HEADERS], ...report.workers.map(row)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  return [head, ...lines].join('\n');
}
