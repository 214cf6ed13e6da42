// A minimal error log for the worker process until it is wired to src/log's logger: one
// line per event on stderr, in Gunicorn's `[time] [pid] [LEVEL] message` shape. It
// implements HookLogger so hooks get the same object either way.
import type { HookLogger } from '../config/hook-types.js';

type Level = keyof HookLogger;

function write(level: Level, msg: string, extra?: Record<string, unknown>): void {
  const tail = extra && Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
  process.stderr.write(`[${new Date().toISOString()}] [${process.pid}] [${level.toUpperCase()}] ${msg}${tail}\n`);
}

export const workerLog: HookLogger = {
  debug: () => undefined,
  info: (msg, extra) => write('info', msg, extra),
  warning: (msg, extra) => write('warning', msg, extra),
  error: (msg, extra) => write('error', msg, extra),
  critical: (msg, extra) => write('critical', msg, extra),
};

/** USR1 and the arbiter's `reopen-logs`: nothing to reopen while the worker logs to stderr only. */
export function reopenLogs(): void {
  // Placeholder: becomes the logger's reopen() once the worker uses src/log.
}
