// The one preflight: everything a start can fail on without binding a socket or starting a
// worker. `--check-config` and the real start both call preflight(), so the two can never
// disagree; every problem is collected and reported at once (setting, source, value, what
// is wrong), exit 1; what it accepts but cannot honour as written is printed as warnings.
// It reads and loads, but never creates, binds or forks anything.
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/registry.js';
import { describeSource } from '../config/source-ref.js';
import { ConfigError, type SettingProblem } from '../errors.js';
import { appProblem } from './app-check.js';
import { cannotUseDirectory, cannotWriteFile } from './writable.js';
import { memoryLimitProblem } from './memory-limit.js';
import { printWarnings, startWarnings } from './warnings.js';

/** One check: the problems it finds, each still without its source (added by preflight()). */
type Found = { readonly setting: keyof Config & string; readonly problem: string; readonly value?: unknown };
type Check = (config: Config, cwd: string, env: NodeJS.ProcessEnv) => Found | null | readonly Found[] | Promise<Found | null | readonly Found[]>;

/**
 * Turns an error thrown by a validator into a problem. Validators name the setting at the
 * start of their message ("keyfile: ..."); that name wins over `setting`, the fallback.
 */
function caught(config: Config, setting: keyof Config & string, err: unknown): Found {
  if (!(err instanceof Error)) throw err;
  // The first line only: module loaders append their require stack.
  const message = (err.message.split('\n')[0] ?? '').replace(/^invalid configuration: /, '');
  const named = /^([a-z][a-z0-9_]*): /.exec(message)?.[1];
  if (named !== undefined && named in config) return { setting: named as keyof Config & string, problem: message.slice(named.length + 2) };
  return { setting, problem: message };
}

async function attempt(config: Config, setting: keyof Config & string, run: () => unknown): Promise<Found | null> {
  try {
    await run();
    return null;
  } catch (err) {
    return caught(config, setting, err);
  }
}

function logFile(setting: 'errorlog' | 'accesslog', value: string | null, cwd: string): Found | null {
  if (value === null || value === '' || value === '-') return null;
  const why = cannotWriteFile(value, cwd);
  return why === null ? null : { setting, problem: `cannot write the log file: ${why}` };
}

/** The checks, in the order their problems are listed. */
const CHECKS: readonly Check[] = [
  (c, cwd) => appProblem(c, cwd),
  // paste: every egg: line names an entry point its package declares (no worker that cannot build the app).
  // Without a --paste file the app loader (~3 ms of a master's start) is not loaded for nothing.
  (c, cwd) => (c.paste === null || c.paste === '' ? null : attempt(c, 'paste', async () => (await import('../app/app-source.js')).checkPasteEggs(c, cwd))),
  (c) => (c.reload && c.preload_app
    ? { setting: 'reload', problem: 'cannot be combined with preload_app: preloaded code lives in the arbiter, which a reload does not restart' }
    : null),
  (c, cwd) => {
    if (c.chdir === null || c.chdir === '') return null;
    const why = cannotUseDirectory(c.chdir, cwd);
    return why === null || why.endsWith('is not writable') ? null : { setting: 'chdir', problem: why };
  },
  async (c, cwd) => {
    const { BindAddressError, parseBindAddress } = await import('../arbiter/sockets/index.js');
    const found: Found[] = [];
    for (const text of c.bind) {
      try {
        const address = parseBindAddress(text);
        // A Unix socket's directory must exist and take new files (a stale socket there is replaced).
        const why = address.kind === 'unix' ? cannotWriteFile(address.path, cwd, 'socket') : null;
        if (why !== null) found.push({ setting: 'bind', value: text, problem: `cannot create the socket: ${why}` });
      } catch (err) {
        if (!(err instanceof BindAddressError)) throw err;
        found.push({ setting: 'bind', value: text, problem: err.message });
      }
    }
    return found;
  },
  (c, cwd) => logFile('errorlog', c.errorlog, cwd),
  (c, cwd) => logFile('accesslog', c.accesslog, cwd),
  (c, cwd) => {
    if (c.pidfile === null) return null;
    const why = cannotWriteFile(c.pidfile, cwd);
    return why === null ? null : { setting: 'pidfile', problem: `cannot write the pidfile: ${why}` };
  },
  (c, cwd) => {
    // Without control_socket it is <pidfile>.ctl, whose directory the pidfile check covers.
    if (c.control_socket === null) return null;
    const why = cannotWriteFile(c.control_socket, cwd, 'socket');
    return why === null ? null : { setting: 'control_socket', problem: `cannot create the control socket: ${why}` };
  },
  (c, cwd) => {
    if (c.worker_tmp_dir === null) return null;
    const why = cannotUseDirectory(c.worker_tmp_dir, cwd);
    return why === null ? null : { setting: 'worker_tmp_dir', problem: why };
  },
  async (c) => {
    const { assertCanSwitch, resolveIdentity } = await import('../worker/privileges.js');
    const found: Found[] = [];
    // Each of user and group alone first, so both an unknown user and an unknown group are reported.
    const user = await attempt(c, 'user', () => resolveIdentity(c.user, null));
    const group = await attempt(c, 'group', () => resolveIdentity(null, c.group));
    if (user) found.push(user);
    if (group) found.push(group);
    if (found.length === 0) {
      const cannot = await attempt(c, c.user !== null ? 'user' : 'group', () => assertCanSwitch(resolveIdentity(c.user, c.group)));
      if (cannot) found.push(cannot);
    }
    return found;
  },
  (c, cwd) => attempt(c, 'worker_class', async () => (await import('../worker/worker-class.js')).loadWorkerClass(c.worker_class, cwd)),
  (c, cwd) => (c.logger_class === null ? null : attempt(c, 'logger_class', async () => {
    const { BUILT_IN_LOGGER, loadLoggerClass } = await import('../log/create-logger.js');
    if (c.logger_class !== BUILT_IN_LOGGER && c.logger_class !== '') await loadLoggerClass(c.logger_class!, cwd);
  })),
  (c, cwd) => (c.logconfig === null || c.logconfig === '' ? null
    : attempt(c, 'logconfig', async () => (await import('../log/create-logger.js')).loadLogConfig(c.logconfig!, cwd))),
  // A unix:// address also needs the optional unix-dgram module: said here, not at the first metric.
  (c) => attempt(c, 'statsd_host', async () => (await import('../log/statsd-client.js')).validateStatsdHost(c.statsd_host)),
  (c) => (!c.syslog ? null : attempt(c, 'syslog_addr', async () => (await import('../log/syslog-addr.js')).parseSyslogAddr(c.syslog_addr))),
  (c) => attempt(c, 'certfile', async () => (await import('../http/index.js')).validateEdgeSettings(c)),
  (c, _cwd, env) => {
    const problem = memoryLimitProblem(c.max_worker_memory, env);
    return problem === null ? null : { setting: 'max_worker_memory', problem };
  },
  (c, cwd) => attempt(c, 'metrics_bind', async () => (await import('../metrics/validate.js')).validateMetricsBind(c.metrics_bind, c.bind, cwd)),
];

function isList(result: Found | readonly Found[]): result is readonly Found[] {
  return Array.isArray(result);
}

/** Thrown when the preflight finds anything: every problem, one per line. */
export class PreflightError extends ConfigError {}

/** The problems a start would run into, in CHECKS order (empty: the start can proceed). */
export async function preflightProblems(loaded: LoadedConfig, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<SettingProblem[]> {
  const { config, sources } = loaded;
  const results = await Promise.all(CHECKS.map((check) => check(config, cwd, env)));
  const problems: SettingProblem[] = [];
  for (const result of results) {
    const list: readonly Found[] = result === null ? [] : isList(result) ? result : [result];
    for (const found of list) {
      const source = sources.get(found.setting) ?? { kind: 'default' };
      const value = 'value' in found ? found.value : config[found.setting];
      problems.push({ setting: found.setting, source: describeSource(source), value, expected: found.problem });
    }
  }
  return problems;
}

/**
 * Throws a PreflightError listing every problem; when a start can proceed, prints what it
 * cannot honour as written (startWarnings) on stderr and resolves.
 */
export async function preflight(loaded: LoadedConfig, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const problems = await preflightProblems(loaded, cwd, env);
  if (problems.length > 0) throw new PreflightError(problems);
  printWarnings(startWarnings(loaded.config));
}
