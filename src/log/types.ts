// The settings the log library reads, the identity of the process that logs, and the
// mapping of Gunicorn's level names onto pino's and syslog's. Types only, plus two tables:
// nothing here opens a file or a socket.

/** Gunicorn's level names, lowest first. */
export type Level = 'debug' | 'info' | 'warning' | 'error' | 'critical';

export const LEVELS: readonly Level[] = ['debug', 'info', 'warning', 'error', 'critical'];

/** pino's method for each Gunicorn level (warning → warn, critical → fatal). */
export const PINO_LEVEL: Readonly<Record<Level, 'debug' | 'info' | 'warn' | 'error' | 'fatal'>> = {
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'fatal',
};

/** syslog severity (RFC 5424 table 2) for each Gunicorn level. */
export const SYSLOG_SEVERITY: Readonly<Record<Level, number>> = {
  debug: 7,
  info: 6,
  warning: 4,
  error: 3,
  critical: 2,
};

/**
 * The logging settings a Logger reads, with Gunicorn's names: a structural slice of the
 * resolved Config (which is assignable to it), so the log library does not depend on the
 * settings registry. Defaults live only in the registry.
 */
export interface LogSettings {
  errorlog: string;
  loglevel: Level;
  log_format: 'auto' | 'json' | 'pretty';
  accesslog: string | null;
  access_log_format: string;
  syslog: boolean;
  /** Access lines stay out of syslog (the error log still goes there). */
  disable_redirect_access_to_syslog?: boolean;
  syslog_addr: string;
  syslog_prefix: string | null;
  syslog_facility: string;
  statsd_host: string | null;
  statsd_prefix: string;
  dogstatsd_tags: string;
  proc_name: string | null;
  logconfig: string | null;
  logger_class: string | null;
}

/** Which process is logging: every line carries pid, and worker/gen for workers. */
export interface Who {
  role: 'arbiter' | 'worker';
  pid: number;
  workerId?: number;
  generation?: number;
}

/** A syslog failure or a statsd failure is reported here, never thrown. */
export type ErrorReporter = (message: string) => void;
