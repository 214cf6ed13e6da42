// Boots a worker from its init message: environment and chdir, the app, the hooks, the
// HTTP server behind the connection gate on every inherited socket, post_worker_init, and
// then the messages that tell the arbiter where the worker stands (booted, warmed, tired, beat).
import { resolve } from 'node:path';
import type { RequestListener } from 'node:http';
import type { WorkerInit } from '../ipc/messages.js';
import type { HookLogger } from '../config/hook-types.js';
import type { Config } from '../config/registry.js';
import type { HookFunction } from '../config/hooks-loader.js';
import type { SslContextHook } from '../config/hook-types.js';
import { AppNotFoundError } from '../app/errors.js';
import { loadApp } from '../app/load-app.js';
import { attachRequestStats } from './request-stats.js';
import { EMBEDDED_PREFIX } from '../app/embedded.js';
import { ConnectionGate } from './connection-gate.js';
import { Drain } from './drain.js';
import { beatInterval, startHeartbeat } from './heartbeat.js';
import { createHttpServer, keepsAlive } from './http-server.js';
import { installDebugLog } from './debug-log.js';
import { send } from './ipc.js';
import { RequestCounter } from './request-counter.js';
import { serveRequest } from './serve-request.js';
import { ResponseEnricher } from './enrich-response.js';
import { ConnectionShedding } from './connection-shedding.js';
import { WorkerHooks, workerSelf } from './worker-hooks.js';
import { loadCustomWorker, withCustomWorker } from './worker-class.js';
import { accessRecorder } from './access-recorder.js';
import { workerResponseClass } from './worker-response.js';
import { workerLogger } from './worker-log.js';
import { applyEnvironment, type WorkerSettings } from './worker-settings.js';

export interface BootedWorker {
  readonly drain: Drain;
  readonly counter: RequestCounter;
}

export async function bootWorker(
  init: WorkerInit,
  settings: WorkerSettings,
  log: HookLogger,
  onHooks: (hooks: WorkerHooks) => void,
): Promise<BootedWorker> {
  const startCwd = process.cwd();
  applyEnvironment(settings);
  const loaded = await loadWorkerApp(settings, startCwd, log);
  // worker_class (issue 3): a custom class wraps each request and may set the connection limit.
  const custom = await loadCustomWorker(settings.all['worker_class'], { id: init.id, generation: init.generation, settings: settings.all }, process.cwd());
  const app = withCustomWorker(custom, loaded);
  const counter = new RequestCounter(settings.warmupRequests, init.maxRequests, {
    warmed: (requests) => send({ type: 'warmed', requests }),
    tired: (requests) => send({ type: 'tired', requests }),
  });
  const hookFunctions = await workerHookFunctions(init.configFile);
  const hooks = new WorkerHooks(hookFunctions, workerSelf(init, log, () => counter.served), log);
  onHooks(hooks);

  let handler: RequestListener = () => undefined;
  const logger = workerLogger();
  const access = logger ? accessRecorder(logger) : null;
  // Per-status/method counts and durations for the arbiter's /metrics, sent with each beat.
  const stats = attachRequestStats(() => ({ requests: counter.served, inFlight: counter.inFlight }));
  const http = createHttpServer(settings, (req, res) => handler(req, res), log, {
    responseClass: workerResponseClass(access?.features),
    rejected: stats.rejected,
  }, hookFunctions['ssl_context'] as SslContextHook | undefined);
  installDebugLog(http, log, settings.all['loglevel']);
  const limit = custom?.maxConnections ?? (settings.workerClass === 'sync' ? 1 : settings.workerConnections);
  const gate = new ConnectionGate(http, limit);
  let stopBeats = (): void => undefined;
  const drain = new Drain(gate, {
    keepAliveMs: http.keepAliveTimeout,
    gracefulMs: settings.gracefulTimeout * 1000,
    keepsAlive: keepsAlive(settings),
    onDone: (reason) => {
      stopBeats();
      log.info(reason === 'drained' ? 'Worker exiting (drained)' : 'Worker exiting (graceful_timeout reached)');
      // The last counts reach the arbiter before the process goes, so /metrics stays exact.
      void stats.flush().then(() => process.exit(0));
    },
  });
  // enrich_response (issue 5): the fork's per-response telemetry.
  const enrich = settings.all['enrich_response'] === true ? { enrich: new ResponseEnricher(init.maxRequests) } : {};
  const shed = new ConnectionShedding();
  shed.listen();
  handler = serveRequest(app, { gate, drain, counter, hooks, log, stats, access, ...enrich, shed });

  // post_worker_init resolves before this worker accepts (issue 5): an app warms its caches
  // there, and no request reaches it cold in the meantime (Gunicorn's order too).
  await hooks.call('post_worker_init');
  await gate.listen(init.sockets, settings.backlog);
  log.info(`Booting worker with pid: ${process.pid}`);
  send({ type: 'booted' });
  counter.booted();
  stopBeats = startHeartbeat(beatInterval(settings.timeout), () => ({ requests: counter.served, inFlight: counter.inFlight, stats: stats.snapshot() }), send);
  return { drain, counter };
}

/** The config file's hooks; without a config file the settings registry and ajv stay unloaded. */
async function workerHookFunctions(configFile: string | null): Promise<Partial<Record<string, HookFunction>>> {
  if (configFile === null) return {};
  const { loadHooks } = await import('../config/hooks-loader.js');
  return loadHooks(configFile);
}

/** APP_MODULE through loadApp; a --paste INI app through the paste composer. */
async function loadWorkerApp(settings: WorkerSettings, startCwd: string, log: HookLogger): Promise<RequestListener> {
  if (settings.app !== null && !settings.app.startsWith(EMBEDDED_PREFIX)) {
    const cwd = process.cwd();
    // The app's own listen() stays neutral for the worker's life: any port it opened would be unmanaged.
    const modulePaths = settings.pythonpath.map((p) => resolve(cwd, p));
    return loadApp(settings.app, { cwd, modulePaths, warn: (msg) => log.warning(msg), keepListenGuard: true });
  }
  if (settings.app !== null || typeof settings.all['paste'] === 'string') {
    const { appSource } = await import('../app/app-source.js');
    return appSource(settings.all as unknown as Config, startCwd).load();
  }
  throw new AppNotFoundError('no application given (neither APP_MODULE nor --paste is set)');
}
