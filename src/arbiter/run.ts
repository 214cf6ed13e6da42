// Startup and shutdown around the Arbiter: daemonize, logging, on_starting, preload, the
// listening sockets (bound here, inherited from a previous master, or from systemd), the
// pidfile, when_ready; then the arbiter runs until it halts, and everything is released.
// The Arbiter's own modules load while the logger and the hooks start, and the pidfile and
// the control socket are made while the listen helper runs.
import { fileURLToPath } from 'node:url';
import type { LoadedConfig, LoadInputs } from '../config/load.js';
import type { Config } from '../config/registry.js';
import { createLogger, swappableLogger } from '../log/index.js';
import type { Logger } from '../log/index.js';
import { GunicornError } from '../errors.js';
import { saveBundleCodeCache } from '../compile-cache.cjs';
import { VERSION } from '../version.js';
import { REUSE_PORT_UNSUPPORTED, reusePortSupported } from '../node-features.js';
import type { Arbiter, ArbiterOptions } from './arbiter.js';
import { daemonize, isDaemonChild, reportToForeground } from './daemon.js';
import { HookRunner } from './hooks.js';
import { holdSignals } from './early-signals.js';
import { Listeners, socketUrl } from './listeners.js';
import type { ListenerOrigin } from './listeners.js';
import { processTitle } from './reload.js';
import type { HeldSignals } from './early-signals.js';
import { isLiveGunicorn, Pidfile } from './pidfile.js';
import { handoverFds, OLD_MASTER, Reexec } from './reexec.js';
import { bindAndListen, BindError, socketsFromFds, socketsFromSystemd } from './sockets/index.js';
import type { ListeningSocket } from './sockets/index.js';
import { workerClassWarning } from '../worker/worker-class.js';
import { preflight } from '../preflight/preflight.js';
import { controlTarget } from './control-target.js';
import type { startStatusSocket } from '../status/serve.js';
import type { ReloadWatch } from './reload-watch.js';

const BIN_SCRIPT = fileURLToPath(new URL('../bin/gunicorn-ts.cjs', import.meta.url));

export function processName(config: Config): string {
  return config.proc_name ?? config.app ?? config.default_proc_name;
}

interface OpenedSockets {
  readonly sockets: ListeningSocket[];
  readonly origin: ListenerOrigin;
  /** Settles once bound sockets listen (at once for inherited ones); rejects with a BindError. */
  readonly listening: Promise<void>;
}

async function openSockets(config: Config, env: NodeJS.ProcessEnv, log: Logger): Promise<OpenedSockets> {
  const handed = handoverFds(env);
  if (handed) return { sockets: socketsFromFds(handed, { unlinkOnClose: true }), origin: 'inherited', listening: Promise.resolve() };
  const activated = socketsFromSystemd(env, process.pid);
  if (activated) return { sockets: activated, origin: 'systemd', listening: Promise.resolve() };
  try {
    const { sockets, listening } = await bindAndListen(config.bind, {
      backlog: config.backlog,
      umask: config.umask,
      reusePort: config.reuse_port,
      onRetry: (label) => log.error(`Connection in use: ${label}, retrying in 1 second`),
    });
    return { sockets, origin: 'bind', listening };
  } catch (err) {
    throw startError(config, err);
  }
}

/** A bind or listen failure as the start reports it (exit 1), with the reuse_port hint. */
function startError(config: Config, err: unknown): unknown {
  return err instanceof BindError ? new GunicornError('GTS_ERR_BIND', err.message + reusePortHint(config, err)) : err;
}

/** Why reuse_port did not let this server share the port. */
function reusePortHint(config: Config, err: BindError): string {
  if (!config.reuse_port || err.code !== 'EADDRINUSE') return '';
  if (!reusePortSupported) return `; ${REUSE_PORT_UNSUPPORTED}`;
  return '; with reuse_port, every process on the port must set SO_REUSEPORT (--reuse-port) and run as the same user';
}

/** preload_app: load the app once in the arbiter so a broken app fails before any worker. */
async function preload(config: Config, cwd: string): Promise<void> {
  const [{ appSource }, { AppBootError, appErrorExitCode, describeThrown }] = await Promise.all([import('../app/app-source.js'), import('../app/errors.js')]);
  try {
    await appSource(config, cwd).load();
  } catch (err) {
    if (err instanceof GunicornError) throw err;
    const code = appErrorExitCode(err);
    const what = code === 4 ? 'App failed to load' : 'Worker failed to boot';
    const stack = err instanceof AppBootError && err.appStack !== null ? `\n${err.appStack}` : '';
    throw new GunicornError(code === 4 ? 'GTS_ERR_APP_LOAD' : 'GTS_ERR_APP_BOOT', `${what}: ${describeThrown(err)}${stack}`, code);
  }
}

export async function runArbiter(loaded: LoadedConfig, inputs: LoadInputs): Promise<number> {
  const { config } = loaded;
  // The same preflight as --check-config, before anything is bound or forked. A daemon's
  // foreground runs it (so its problems reach the terminal); the daemon repeats the load only.
  if (!isDaemonChild(inputs.env)) await preflight(loaded, inputs.cwd, inputs.env);
  if (config.daemon && !isDaemonChild(inputs.env)) return daemonize(inputs, config.enable_stdio_inheritance, BIN_SCRIPT);
  try {
    return await startArbiter(loaded, inputs);
  } catch (err) {
    if (isDaemonChild(inputs.env)) reportToForeground({ type: 'daemon-failed', message: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

type StatusSocket = Awaited<ReturnType<typeof startStatusSocket>>;

/** Modules needed only once the sockets are bound: they load while the listen helper starts. */
async function arbiterModules(): Promise<{ Arbiter: typeof Arbiter; startStatusSocket: typeof startStatusSocket }> {
  const [{ Arbiter }, { startStatusSocket }] = await Promise.all([import('./arbiter.js'), import('../status/serve.js')]);
  return { Arbiter, startStatusSocket };
}

async function startArbiter(loaded: LoadedConfig, inputs: LoadInputs): Promise<number> {
  const { config } = loaded;
  // The caller's umask stays (Gunicorn's rule): `umask` applies only to the Unix sockets and
  // worker temp files the server creates. A daemon has no caller to inherit from: 0022.
  if (isDaemonChild(inputs.env)) process.umask(0o022);
  process.title = processTitle(config);
  const modules = arbiterModules();
  modules.catch(() => undefined); // awaited below; startup may fail before that
  // A HUP builds a new Logger from the new settings; everything handed `log` follows it.
  const masterLog = swappableLogger(await createLogger(config, { role: 'arbiter', pid: process.pid }));
  const { log } = masterLog;
  const hooks = new HookRunner(config, log);
  const earlyServer = { pid: process.pid, numWorkers: config.workers, workers: [], log, cfg: config };
  // Gunicorn sets its worker count first, calling nworkers_changed with old_value None.
  await hooks.call('nworkers_changed', earlyServer, config.workers, null);
  await hooks.required('on_starting', earlyServer);
  if (config.preload_app) await preload(config, inputs.cwd);

  const opened = await openSockets(config, inputs.env, log);
  const { sockets } = opened;
  const listeners = new Listeners(sockets, config, opened.origin);
  const { Arbiter, startStatusSocket } = await modules;
  const pidfile = { current: config.pidfile ? new Pidfile(config.pidfile) : null };
  const oldMaster = Number.parseInt(inputs.env[OLD_MASTER] ?? '', 10);
  // The pidfile before the control socket, whose default path (<pidfile>.ctl) derives from it.
  pidfile.current?.create(process.pid, Number.isInteger(oldMaster) ? oldMaster : undefined);
  // The control interface: control_socket, <pidfile>.ctl or Gunicorn's default; answers once the arbiter exists.
  const arbiterRef: { current?: Arbiter } = {};
  const control = await startStatusSocket(
    config,
    { cwd: inputs.cwd, env: inputs.env, procName: processName(config), takeOver: Number.isInteger(oldMaster), log },
    controlTarget(arbiterRef, () => listeners.current, config),
  )
    .catch((err: unknown) => {
      pidfile.current?.unlink(process.pid);
      throw err;
    });
  const held = holdSignals();
  try {
    // The listen helper ran alongside the pidfile and the control socket: nothing is announced
    // or forked before every socket listens.
    await opened.listening.catch((err: unknown) => {
      throw startError(config, err);
    });
    announce(config, sockets, log);
    await hooks.required('when_ready', earlyServer);
  } catch (err) {
    // Startup stops here: leave no pidfile or socket file behind.
    held.discard();
    pidfile.current?.unlink(process.pid);
    for (const socket of sockets) socket.close();
    await control?.close();
    throw err;
  }
  const reexec = new Reexec({
    inputs, script: BIN_SCRIPT, sockets: () => listeners.current, log, pidfile,
    preExec: () => hooks.call('pre_exec', arbiterRef.current?.serverRef ?? earlyServer),
  });
  const oldMasterPid = Number.isInteger(oldMaster) ? oldMaster : null;
  const watcher: { current: ReloadWatch | null } = { current: null };
  const parts = { loaded, inputs, listeners, log, swapLog: masterLog.swap, pidfile, reexec, control, oldMaster: oldMasterPid };
  arbiterRef.current = new Arbiter({
    ...arbiterOptions(parts),
    reexec: () => void reexec.start(),
    onModules: (files) => {
      const added = watcher.current?.add(files) ?? 0;
      if (added > 0) log.debug(`reload: watching ${added} more files the app loaded`, { files: watcher.current?.fileCount ?? 0 });
    },
  });
  const arbiter = arbiterRef.current;
  // reload: a change to the files the app loaded replaces the workers as HUP does.
  if (config.reload) {
    const { startReloadWatch } = await import('./reload-start.js');
    watcher.current = await startReloadWatch(config, {
      cwd: inputs.cwd, log, alsoIgnored: control ? [control.path] : [],
      reload: () => arbiter.dispatch({ type: 'reload' }),
    });
  }
  return runUntilHalt(arbiter, { reexec, held, watcher: watcher.current });
}

function announce(config: Config, sockets: readonly ListeningSocket[], log: Logger): void {
  log.info(`Starting gunicorn-ts ${VERSION}`, { node: process.version });
  for (const socket of sockets) log.info(`Listening at: ${socketUrl(socket, config.certfile)} (${process.pid})`);
  // threads > 1 turns sync into async (worker-settings.ts), as Gunicorn turns it into gthread.
  log.info(`Using worker: ${config.worker_class === 'sync' && config.threads > 1 ? 'async' : config.worker_class}`);
  // Gunicorn's debug line at start: every effective setting (hooks by name).
  log.debug('Current configuration', { config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'function' ? `<function ${v.name || 'anonymous'}>` : v])) });
  const classWarning = workerClassWarning(config.worker_class);
  if (classWarning !== null) log.warning(classWarning);
}

interface ArbiterParts {
  readonly loaded: LoadedConfig;
  readonly inputs: LoadInputs;
  readonly listeners: Listeners;
  readonly log: Logger;
  readonly swapLog: (next: Logger) => Logger;
  readonly pidfile: { current: Pidfile | null };
  readonly reexec: Reexec;
  readonly control: StatusSocket;
  /** The old master's pid when this master was started by USR2. */
  readonly oldMaster: number | null;
}

/** The Arbiter's options other than `reexec`: daemon reporting and the cleanup once it halts. */
function arbiterOptions(parts: ArbiterParts): Omit<ArbiterOptions, 'reexec'> {
  const { loaded, inputs, listeners, log, swapLog, pidfile, reexec, control, oldMaster } = parts;
  let bootError: string | undefined;
  return {
    loaded, inputs, listeners, log, swapLog, pidfile,
    daemonized: isDaemonChild(inputs.env),
    onServing: () => {
      if (isDaemonChild(inputs.env)) reportToForeground({ type: 'daemon-ready', pid: process.pid });
      // The functions this start compiled, for the next master's start (compile-cache.cts).
      const cache = saveBundleCodeCache();
      if (cache !== null) log.debug(cache);
    },
    onBootFailed: (message) => (bootError ??= message),
    cleanup: async (code, reason) => {
      // A daemon that never served tells its foreground why (a no-op once it reported ready).
      if (code !== 0 && isDaemonChild(inputs.env)) reportToForeground({ type: 'daemon-failed', message: bootError ? `${reason}: ${bootError}` : reason });
      pidfile.current?.unlink(process.pid);
      // A new master serves on these sockets now: leave them (and their paths) alone.
      if (reexec.handedOver) reexec.release();
      // USR2 rolled back (this new master stopped): the old master still serves on them.
      else if (oldMaster !== null && isLiveGunicorn(oldMaster)) log.info(`Leaving the sockets to the old master (pid ${oldMaster})`);
      else listeners.closeAll();
      await control?.close();
      await log.close();
    },
  };
}

async function runUntilHalt(arbiter: Arbiter, ctx: { reexec: Reexec; held: HeldSignals; watcher: ReloadWatch | null }): Promise<number> {
  const { reexec, held, watcher } = ctx;
  // Signal handlers and unpolled sockets do not keep Node's event loop alive: without this,
  // a master left with no worker and no timer (WINCH) would just exit.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  const running = arbiter.run();
  held.release(); // the Arbiter's handlers are installed: signals sent during startup go to them
  const code = await running.finally(() => {
    clearInterval(keepAlive);
    return watcher?.close();
  });
  // After USR2 a new master serves on these sockets. A natural exit would close the handles
  // that bound the Unix socket paths, and closing one unlinks its path.
  if (reexec.handedOver) process.exit(code);
  return code;
}
