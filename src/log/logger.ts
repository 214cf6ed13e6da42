// The base Logger used by the arbiter and every worker: the error log (pino, JSON lines or
// Gunicorn's pretty lines), the access log (one formatted line per request, written raw),
// syslog and statsd. `logger_class` subclasses it. It never exits or throws on a failing
// syslog or statsd server; signals (USR1 → reopen()) are the caller's to wire.
import pino, { type LoggerOptions } from 'pino';
import { compileAccessFormat, type AccessRecord, type CompiledAccessFormat } from './access-format.js';
import {
  closeDestination, flushDestination, openBatchDestination, openDestination, reopenDestination, type BatchDestination, type FileDestination,
} from './destination.js';
import { createMetrics, NO_METRICS, type Metrics } from './metrics.js';
import { prettyLine } from './pretty.js';
import { createSyslogSink, type SyslogSink } from './syslog.js';
import { facilityNumber, parseSyslogAddr, syslogTag } from './syslog-addr.js';
import { PINO_LEVEL, SYSLOG_SEVERITY, type Level, type LogSettings, type Who } from './types.js';

const GUNICORN_LEVEL: Readonly<Record<string, Level>> = {
  debug: 'debug', info: 'info', warn: 'warning', error: 'error', fatal: 'critical', trace: 'debug',
};

/** Extra construction options; createLogger() fills them from `logconfig`. */
export interface LoggerExtras {
  /** pino options merged over ours (a `transport` replaces the errorlog destination). */
  pinoOptions?: LoggerOptions;
  /** syslog-client's idle TCP timeout in ms (tests shorten it). */
  syslogTcpTimeout?: number;
}

function usePretty(settings: LogSettings, fd: 1 | 2): boolean {
  if (settings.log_format === 'json') return false;
  if (settings.log_format === 'pretty') return true;
  const stream = fd === 2 ? process.stderr : process.stdout;
  return settings.errorlog === '-' && stream.isTTY === true;
}

export class Logger {
  /** Marks subclasses even when jiti loaded a second copy of this module (see createLogger). */
  static readonly isGunicornTsLogger = true;

  readonly settings: LogSettings;
  readonly who: Who;
  /** Statsd; a no-op when statsd_host is unset. The arbiter calls gauge('workers', n) etc. */
  readonly metrics: Metrics;
  protected readonly pino: pino.Logger;
  readonly #errorDest: FileDestination | null;
  readonly #accessDest: BatchDestination | null;
  /**
   * access_log_format parsed once, each line ending in '\n', on first use: a process without an
   * access log (every default worker, and the arbiter) never needs it.
   */
  #compiledAccessFormat: CompiledAccessFormat | null = null;
  readonly #syslog: SyslogSink | null;
  /** Where access lines go besides the file: the syslog sink unless disable_redirect_access_to_syslog. */
  readonly #accessSyslog: SyslogSink | null;

  constructor(settings: LogSettings, who: Who, extras: LoggerExtras = {}) {
    this.settings = settings;
    this.who = who;
    const useTransport = extras.pinoOptions?.transport !== undefined;
    // The error log is synchronous: a worker that exits right after logging loses nothing.
    this.#errorDest = useTransport ? null : openDestination('errorlog', settings.errorlog, 2);
    // The access log is asynchronous (sonic-boom buffers; pino flushes it on 'exit'):
    // one write(2) per request costs measurable throughput (docs/logging.md).
    this.#accessDest = settings.accesslog === null ? null
      : openBatchDestination('accesslog', settings.accesslog, 1);
    this.pino = this.#createPino(extras);
    this.#syslog = settings.syslog ? this.#createSyslog(extras) : null;
    this.#accessSyslog = settings.disable_redirect_access_to_syslog === true ? null : this.#syslog;
    this.metrics = createMetrics(settings, (m) => this.pino.warn(m));
  }

  // A method, not a private getter: access() calls it for every request, and V8 does not
  // inline private accessors.
  #accessFormat(): CompiledAccessFormat {
    return (this.#compiledAccessFormat ??= compileAccessFormat(this.settings.access_log_format, '\n'));
  }

  #createPino(extras: LoggerExtras): pino.Logger {
    const base: Record<string, unknown> = { pid: this.who.pid };
    if (this.who.workerId !== undefined) base.worker = this.who.workerId;
    if (this.who.generation !== undefined) base.gen = this.who.generation;
    const options: LoggerOptions = {
      level: PINO_LEVEL[this.settings.loglevel],
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: GUNICORN_LEVEL[label] ?? label }) },
      ...extras.pinoOptions,
    };
    if (this.#errorDest === null) return pino(options);
    const dest = this.#errorDest.stream;
    if (!usePretty(this.settings, 2)) return pino(options, dest);
    // Pretty lines are for people at a terminal: re-parsing each JSON record is cheap there.
    return pino(options, { write: (s: string) => dest.write(prettyLine(JSON.parse(s) as Record<string, unknown>)) });
  }

  #createSyslog(extras: LoggerExtras): SyslogSink {
    return createSyslogSink({
      target: parseSyslogAddr(this.settings.syslog_addr),
      facility: facilityNumber(this.settings.syslog_facility),
      tag: syslogTag(this.settings.syslog_prefix, this.settings.proc_name),
      pid: this.who.pid,
      report: (m) => this.pino.warn(m),
      ...(extras.syslogTcpTimeout === undefined ? {} : { tcpTimeout: extras.syslogTcpTimeout }),
    });
  }

  /** Whether a line at `level` is written at all (check before building costly fields). */
  isEnabled(level: Level): boolean {
    return this.pino.isLevelEnabled(PINO_LEVEL[level]);
  }

  /** Writes one error-log line; every level method goes through here. */
  log(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (level === 'warning' || level === 'error' || level === 'critical') this.metrics.increment(`log.${level}`);
    if (!this.isEnabled(level)) return;
    if (fields === undefined) this.pino[PINO_LEVEL[level]](msg);
    else this.pino[PINO_LEVEL[level]](fields, msg);
    this.#syslog?.send(SYSLOG_SEVERITY[level], fields === undefined ? msg : `${msg} ${JSON.stringify(fields)}`);
  }

  debug(msg: string, fields?: Record<string, unknown>): void { this.log('debug', msg, fields); }
  info(msg: string, fields?: Record<string, unknown>): void { this.log('info', msg, fields); }
  warning(msg: string, fields?: Record<string, unknown>): void { this.log('warning', msg, fields); }
  error(msg: string, fields?: Record<string, unknown>): void { this.log('error', msg, fields); }
  critical(msg: string, fields?: Record<string, unknown>): void { this.log('critical', msg, fields); }

  /** An error-level line with the error's stack under `err`; counted as log.exception. */
  exception(msg: string, err: unknown, fields?: Record<string, unknown>): void {
    this.metrics.increment('log.exception');
    if (!this.isEnabled('error')) return;
    const e = err instanceof Error ? err : new Error(String(err));
    this.pino.error({ ...fields, err: e }, msg);
    this.#syslog?.send(SYSLOG_SEVERITY.error, `${msg}: ${e.stack ?? e.message}`);
  }

  /**
   * Records one finished request: statsd counts it always; the access log and syslog get
   * the formatted line when configured. Call it for every request.
   */
  access(record: AccessRecord): void {
    if (this.metrics !== NO_METRICS) {
      this.metrics.increment('requests');
      this.metrics.timing('request.duration', record.durationMs);
      this.metrics.increment(`request.status.${record.res.statusCode}`);
    }
    if (this.#accessSyslog === null) {
      // Only the file wants the line: encoded straight into its batch, no string built.
      this.#accessDest?.put(record, this.#accessFormat().encode);
      return;
    }
    const line = this.#accessFormat().line(record);
    this.#accessDest?.write(line);
    this.#accessSyslog.send(SYSLOG_SEVERITY.info, line.slice(0, -1));
  }

  /** Whether a subclass (logger_class) overrides access(): it then gets every request, every field filled. */
  get overridesAccess(): boolean {
    return this.access !== Logger.prototype.access;
  }

  /**
   * Whether access() has anything to do (an access log, syslog or statsd, or an override), so
   * the worker can skip recording requests.
   */
  get recordsRequests(): boolean {
    return this.overridesAccess || this.#accessDest !== null || this.#accessSyslog !== null || this.metrics !== NO_METRICS;
  }

  /** The atoms access_log_format uses (the worker tracks only what they need). */
  get accessAtoms(): readonly string[] {
    return this.#accessFormat().atoms;
  }

  /** USR1: reopens errorlog and accesslog files by name, for logrotate's move-then-signal. */
  reopen(): void {
    if (this.#errorDest !== null) reopenDestination(this.#errorDest);
    if (this.#accessDest !== null) reopenDestination(this.#accessDest);
  }

  /** Writes out anything buffered (the access log is asynchronous). */
  flush(): void {
    if (this.#errorDest !== null) flushDestination(this.#errorDest);
    if (this.#accessDest !== null) flushDestination(this.#accessDest);
  }

  /** Flushes and closes every destination, syslog and statsd. */
  async close(): Promise<void> {
    this.#syslog?.close();
    const pending: Promise<void>[] = [this.metrics.close()];
    if (this.#accessDest !== null) pending.push(closeDestination(this.#accessDest));
    if (this.#errorDest !== null) pending.push(closeDestination(this.#errorDest));
    await Promise.all(pending);
  }
}
