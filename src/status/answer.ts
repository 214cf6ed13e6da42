// Turns a control command's answer into what `gunicorn-ts ctl` prints: the matching table or
// list for show/help, one line for the rest, or indented JSON with -j. Also tells which
// answers mean the command failed (gunicornc's `{"success": false}`).
import type { StatusReport } from './report.js';
import { formatConfig, formatHelp, formatListeners, formatStats, formatStatus, type FormatOptions, type ListenerLine } from './format.js';

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A master of this version answers show workers with a report; anything else is shown as JSON. */
function isReport(value: unknown): value is StatusReport {
  return isObject(value) && isObject(value['master']) && Array.isArray(value['workers']);
}

function isListeners(value: unknown): value is ListenerLine[] {
  return Array.isArray(value) && value.every((l) => isObject(l) && typeof l['address'] === 'string');
}

/** `{"success": false, "error": ...}`: the master understood the command but could not do it. */
export function failureOf(data: unknown): string | null {
  return isObject(data) && data['success'] === false ? String(data['error'] ?? 'failed') : null;
}

function summary(data: Json): string {
  if ('added' in data) return `added ${String(data['added'])} worker(s): ${String(data['previous'])} -> ${String(data['total'])}`;
  if ('removed' in data) return `removed ${String(data['removed'])} worker(s): ${String(data['previous'])} -> ${String(data['total'])}`;
  if ('killed' in data) return `worker ${String(data['killed'])} told to stop (SIGTERM); it will be replaced`;
  if ('status' in data) return `${String(data['status'])}${data['mode'] === undefined ? '' : ` (${String(data['mode'])})`}`;
  return JSON.stringify(data, null, 2);
}

export function formatAnswer(command: string, data: unknown, opts: FormatOptions): string {
  const words = command.trim().toLowerCase().split(/\s+/);
  if (!isObject(data)) return JSON.stringify(data, null, 2);
  const failure = failureOf(data);
  if (failure !== null) return `error: ${failure}`;
  const commands = data['commands'];
  if (words[0] === 'help' && isObject(commands)) return formatHelp(Object.fromEntries(Object.entries(commands).map(([k, v]) => [k, String(v)])));
  if (words[0] !== 'show') return summary(data);
  switch (words[1]) {
    case 'workers':
      if (isReport(data)) return formatStatus(data, opts);
      break;
    case 'all': {
      const report = { master: data['arbiter'], workers: data['web_workers'] };
      const listeners = data['listeners'];
      if (isReport(report) && isListeners(listeners)) return `${formatStatus(report, opts)}\n\n${formatListeners(listeners, opts)}`;
      break;
    }
    case 'stats':
      return formatStats(data);
    case 'config':
      return formatConfig(data);
    case 'listeners':
      if (isListeners(data['listeners'])) return formatListeners(data['listeners'], opts);
      break;
    default:
      break;
  }
  return JSON.stringify(data, null, 2);
}
