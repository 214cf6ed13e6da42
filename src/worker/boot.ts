// Boots a worker from its init message: chdir, the app, the hooks, the HTTP server behind
// the connection gate on every inherited socket, post_worker_init, and then the messages
// that tell the arbiter where the worker stands (booted, warmed, tired, beat). Stopping is
// shutdown.ts's: drain, worker_exit, the app's own cleanup, exit.
import type { RequestListener } from 'node:http';
import type { Http2Session } from 'node:http2';
import type { HookLogger } from '../config/hook-types.js';
import type { WorkerConfig } from '../config/worker-config.js';
import type { SslContextHook } from '../config/hook-types.js';
import { AppNotFoundError } from '../app/errors.js';
import { loadAppParts, type LoadedApp } from '../app/load-app.js';
import { modulePaths } from '../app/module-paths.js';
import { attachRequestStats, type AttachedStats } from './request-stats.js';
import { EMBEDDED_PREFIX } from '../app/embedded.js';
import { ConnectionGate } from './connection-gate.js';
import { Drain } from './drain.js';
import { Shutdown } from './shutdown.js';
import { appTermListeners } from './app-shutdown.js';
import { appBeforeExit } from './app-before-exit.js';
import { appServerOf, forwardUpgrades } from './upgrades.js';
import { beatInterval, startHeartbeat } from './heartbeat.js';
import { createHttpServer, keepsAlive } from './http-server.js';
import { installDebugLog } from './debug-log.js';
import { send, type WorkerInitMessage } from './ipc.js';
import { saveBundleCodeCache } from '../compile-cache.cjs';
import { RequestCounter } from './request-counter.js';
import { serveRequest } from './serve-request.js';
import { ResponseEnricher } from './enrich-response.js';
import { ConnectionShedding } from './connection-shedding.js';
import { WorkerHooks, serverFromWorker, workerSelf } from './worker-hooks.js';
import { workerHookFunctions } from './hook-functions.js';
import { loadCustomWorker, withCustomWorker } from './worker-class.js';
import { accessRecorder } from './access-recorder.js';
import { workerHttp2ResponseClass, workerResponseClass } from './worker-response.js';
import { workerLogger } from './worker-log.js';
import { trackLoadedModules } from './loaded-modules.js';

export interface BootedWorker {
  readonly shutdown: Shutdown;
  readonly counter: RequestCounter;
  /** Follows the arbiter's `shed` order. */
  readonly shed: ConnectionShedding;
  /** Answers the arbiter's `stats` order. */
  readonly stats: AttachedStats;
}

export async function bootWorker(init: WorkerInitMessage, log: HookLogger, onHooks: (hooks: WorkerHooks) => void): Promise<BootedWorker> {
  const settings = init.settings;
  const startCwd = process.cwd();
  // raw_env is in the environment the arbiter spawned this process with.
  if (settings.chdir !== null) process.chdir(settings.chdir);
  // Under --reload the worker reports the files its app loaded, so the arbiter watches exactly those.
  const loadedModules = settings.reload ? trackLoadedModules() : null;
  appBeforeExit.markAppStart();
  const loaded = await loadWorkerApp(settings, startCwd, log, settings.reload);
  // worker_class: a custom class wraps each request and may set the connection limit.
  const custom = await loadCustomWorker(settings.worker_class, { id: init.id, generation: init.generation, settings }, process.cwd());
  const app = withCustomWorker(custom, loaded.listener);
  const counter = new RequestCounter(settings.warmup_requests, init.maxRequests, {
    warmed: (requests) => send({ type: 'warmed', requests }),
    tired: (requests) => send({ type: 'tired', requests }),
  });
  // After the app: an embedding program registers its hooks when the worker imports it.
  const self = workerSelf(init, log, () => counter.served);
  const hookFunctions = await workerHookFunctions(init.hooks);
  const hooks = new WorkerHooks(hookFunctions, self, log);
  onHooks(hooks);

  let handler: RequestListener = () => undefined;
  const logger = workerLogger();
  const access = logger ? accessRecorder(logger) : null;
  // Per-status/method counts and durations for the arbiter's /metrics, sent with each beat;
  // nothing is recorded per request when the arbiter serves no /metrics.
  const stats = attachRequestStats(() => ({ requests: counter.served, inFlight: counter.inFlight }), settings.metrics_bind !== null);
  // The response subclass notes each arrival for /metrics and the access log. Without either,
  // Node's own class: Express swaps every response's prototype, and a subclass adding fields
  // in its constructor measurably costs it CPU per request (bench/README.md).
  const timed = access !== null || stats.recording;
  const http = createHttpServer(settings, (req, res) => handler(req, res), log, {
    ...(timed ? { responseClass: workerResponseClass(access?.features), http2ResponseClass: () => workerHttp2ResponseClass(access?.features) } : {}),
    rejected: stats.rejected,
  }, hookFunctions['ssl_context'] as SslContextHook | undefined);
  installDebugLog(http, log, settings.loglevel);
  // threads > 1 turns sync into async, as Gunicorn turns sync into gthread.
  const sync = settings.worker_class === 'sync' && settings.threads <= 1;
  const limit = custom?.maxConnections ?? (sync ? 1 : Math.max(1, settings.worker_connections));
  // Connections still sending their head have their own bound (worker_connections, also for
  // sync): slow clients are shed there and never take a request slot.
  const gate = new ConnectionGate(http, limit, Math.max(limit, settings.worker_connections));
  let stopBeats = (): void => undefined;
  const drain = new Drain(gate, { keepAliveMs: http.keepAliveTimeout, keepsAlive: keepsAlive(settings) });
  // HTTP/2 servers report each session (the cleartext one through this server too).
  http.on('session', (session: Http2Session) => drain.session(session));
  const shutdown = new Shutdown({
    gate, drain, log, app: loaded.value, termListeners: appTermListeners, beforeExit: appBeforeExit,
    gracefulMs: settings.graceful_timeout * 1000,
    workerExit: () => hooks.workerExit(serverFromWorker(init, self)),
    finish: async () => {
      stopBeats();
      // The last counts reach the arbiter before the process goes, so /metrics stays exact.
      await stats.flush();
    },
  });
  // enrich_response: the fork's per-response telemetry.
  const enrich = settings.enrich_response ? { enrich: new ResponseEnricher(init.maxRequests) } : {};
  const shed = new ConnectionShedding();
  handler = gate.hold(serveRequest(app, { gate, drain, counter, hooks, log, stats: stats.recording ? stats : null, access, ...enrich, shed }));

  // post_worker_init resolves before this worker accepts: an app warms its caches there, and
  // no request reaches it cold in the meantime (Gunicorn's order too).
  await hooks.call('post_worker_init');
  // WebSockets and CONNECT reach the app through the server it owns (upgrades.ts).
  forwardUpgrades(http, appServerOf(loaded.value), { upgraded: (socket) => gate.upgraded(socket), get draining() { return drain.draining; } });
  await gate.listen(init.sockets, settings.backlog);
  log.info(`Booting worker with pid: ${process.pid}`);
  send({ type: 'booted' });
  // The functions this start compiled, for the next worker's start (compile-cache.cts).
  setImmediate(() => {
    const cache = saveBundleCodeCache();
    if (cache !== null) log.debug(cache);
  });
  if (loadedModules) send({ type: 'modules', files: loadedModules() });
  counter.booted();
  stopBeats = startHeartbeat(beatInterval(settings.timeout), () => ({ requests: counter.served, inFlight: counter.inFlight, ...(stats.recording ? { stats: stats.snapshot() } : {}) }), send, settings.max_worker_memory * 1024 * 1024);
  return { shutdown, counter, shed, stats };
}

/** APP_MODULE through loadApp; a --paste INI app or an embedding program through the app source. */
async function loadWorkerApp(settings: WorkerConfig, startCwd: string, log: HookLogger, moduleCache: boolean): Promise<LoadedApp> {
  if (settings.app !== null && settings.app !== '' && !settings.app.startsWith(EMBEDDED_PREFIX)) {
    const cwd = process.cwd();
    // The app's own listen() stays neutral for the worker's life: any port it opened would be unmanaged.
    return loadAppParts(settings.app, { cwd, modulePaths: modulePaths(settings.pythonpath, cwd), warn: (msg) => log.warning(msg), keepListenGuard: true, moduleCache });
  }
  if (settings.app || settings.paste) {
    const { appSource } = await import('../app/app-source.js');
    return { listener: await appSource(settings, startCwd).load(), value: undefined };
  }
  throw new AppNotFoundError('no application given (neither APP_MODULE nor --paste is set)');
}
