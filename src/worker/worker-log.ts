// The worker process's logger: src/log's Logger (same format, destinations, syslog and
// statsd as the arbiter), opened from the init message's settings. Until it is open, and
// if opening fails, lines go to stderr as JSON so an early boot failure is still reported.
import type { HookLogger } from '../config/hook-types.js';
import type { WorkerInitMessage } from './ipc.js';
import { createLogger } from '../log/index.js';
import type { Level, Logger } from '../log/index.js';

let current: Logger | null = null;

function early(level: Level, msg: string, fields?: Record<string, unknown>): void {
  const line = { level, time: new Date().toISOString(), pid: process.pid, ...fields, msg };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  // Through the level method, which a logger_class subclass may override.
  if (current !== null) current[level](msg, fields);
  else if (level !== 'debug') early(level, msg, fields);
}

/** What the worker's code and its hooks log through; delegates to the open Logger. */
export const workerLog: HookLogger = {
  debug: (msg, extra) => write('debug', msg, extra),
  info: (msg, extra) => write('info', msg, extra),
  warning: (msg, extra) => write('warning', msg, extra),
  error: (msg, extra) => write('error', msg, extra),
  critical: (msg, extra) => write('critical', msg, extra),
};

/**
 * Opens the worker's Logger (before chdir, so relative paths mean what they mean to the
 * arbiter). The access log is buffered: whatever is queued is written out at exit.
 */
export async function openWorkerLog(init: WorkerInitMessage): Promise<Logger> {
  current = await createLogger(init.settings, {
    role: 'worker', pid: process.pid, workerId: init.id, generation: init.generation,
  });
  const opened = current;
  process.once('exit', () => opened.flush());
  return opened;
}

/** The open Logger, or null before openWorkerLog() has finished. */
export function workerLogger(): Logger | null {
  return current;
}

/** USR1 and the arbiter's `reopen-logs`: reopen the error and access files by name. */
export function reopenLogs(): void {
  current?.reopen();
}
