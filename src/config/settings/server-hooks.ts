// Settings of the "Server Hooks" section: functions from a TS/JS config file called at
// points of the arbiter's and workers' lives. Parameter names are what the docs show.
import type {
  NWorkersChangedHook,
  PostRequestHook,
  PreRequestHook,
  ServerHook,
  SslContextHook,
  WorkerHook,
  WorkerSelfHook,
} from '../hook-types.js';
import { defineSetting, type SettingDecl } from '../setting.js';

const IN_ARBITER = 'Runs in the arbiter.';
const IN_WORKER = 'Runs in the worker.';

/** One hook: no flag, null by default, a function in a TS/JS config file. */
function hook<const N extends string, F>(name: N, params: readonly string[], desc: string): SettingDecl<N, F | null> {
  return defineSetting<N, F | null>({
    name,
    section: 'Server Hooks',
    schema: { type: 'null' },
    default: null,
    // The sentence the docs show decides where the hook runs, so the two cannot disagree.
    hook: { params, runsIn: desc.includes(IN_WORKER) ? 'worker' : 'arbiter' },
    desc,
  });
}

export const onStarting = hook<'on_starting', ServerHook>('on_starting', ['server'], `Called before the arbiter initializes. ${IN_ARBITER}

If it throws, startup stops with its error.`);

export const onReload = hook<'on_reload', ServerHook>('on_reload', ['server'], `Called when a \`SIGHUP\` reload starts replacing the workers. ${IN_ARBITER}`);

export const whenReady = hook<'when_ready', ServerHook>('when_ready', ['server'], `Called once the sockets are bound and the first workers are started. ${IN_ARBITER}

If it throws, startup stops with its error.`);

export const preFork = hook<'pre_fork', WorkerHook>('pre_fork', ['server', 'worker'], `Called just before a worker process is started. ${IN_ARBITER}

\`worker.pid\` is still 0.`);

export const postFork = hook<'post_fork', WorkerHook>('post_fork', ['server', 'worker'], `Called just after a worker process is started. ${IN_ARBITER}`);

export const postWorkerInit = hook<'post_worker_init', WorkerSelfHook>('post_worker_init', ['worker'], `Called after a worker has loaded the app, before it counts as booted. ${IN_WORKER}

It may return a promise: the worker counts as booted only once it resolves, so the app can warm its caches first.`);

export const workerInt = hook<'worker_int', WorkerSelfHook>('worker_int', ['worker'], `Called when a worker receives \`SIGINT\` or \`SIGQUIT\`. ${IN_WORKER}`);

export const workerAbort = hook<'worker_abort', WorkerSelfHook>('worker_abort', ['worker'], `Called when a worker receives \`SIGABRT\`, usually because it timed out. ${IN_WORKER}

A worker whose event loop is blocked cannot run it.`);

export const preExec = hook<'pre_exec', ServerHook>('pre_exec', ['server'], `Called just before a new master is started by \`SIGUSR2\`. ${IN_ARBITER}`);

export const preRequest = hook<'pre_request', PreRequestHook>('pre_request', ['worker', 'req'], `Called before the app handles a request. ${IN_WORKER}

\`req\` is Node's \`http.IncomingMessage\`.`);

export const postRequest = hook<'post_request', PostRequestHook>('post_request', ['worker', 'req', 'res'], `Called after the app has handled a request. ${IN_WORKER}

\`req\` and \`res\` are Node's \`http.IncomingMessage\` and \`http.ServerResponse\`.`);

export const childExit = hook<'child_exit', WorkerHook>('child_exit', ['server', 'worker'], `Called when a worker process has exited, whatever the cause. ${IN_ARBITER}`);

export const workerExit = hook<'worker_exit', WorkerHook>('worker_exit', ['server', 'worker'], `Called in the worker as it stops gracefully: after it has stopped accepting and drained its HTTP connections, before the app's own cleanup (its \`close()\` and \`SIGTERM\` listeners). ${IN_WORKER}

\`server\` is the arbiter as the worker knows it (its pid, the target number of workers, the settings; \`workers\` lists only this one). A worker that is killed, or stops quickly (\`SIGINT\`, \`SIGQUIT\`), does not run it; \`child_exit\` runs in the arbiter for every exit.`);

export const nworkersChanged = hook<'nworkers_changed', NWorkersChangedHook>('nworkers_changed', ['server', 'newValue', 'oldValue'], `Called when the target number of workers changes. ${IN_ARBITER}

\`oldValue\` is \`null\` the first time the number is set.`);

export const onExit = hook<'on_exit', ServerHook>('on_exit', ['server'], `Called just before the arbiter exits. ${IN_ARBITER}`);

export const sslContext = hook<'ssl_context', SslContextHook>('ssl_context', ['config', 'defaultSslContextFactory'], `Builds the TLS context of HTTPS sockets, e.g. to serve several certificates by SNI. ${IN_WORKER}

Called when a worker creates its HTTPS server (TLS on: \`certfile\` and \`keyfile\` set), and once by \`--check-config\` and at start, so a broken hook stops startup. \`defaultSslContextFactory()\` returns the \`tls\` options the SSL settings give (key, certificate, CA, ciphers, minimum version, client certificates), a fresh object on each call. Return those options changed (for SNI, with an \`SNICallback\`) or a \`tls.SecureContext\` (\`tls.createSecureContext(...)\`) to serve with instead of them. It must return synchronously. See docs/http-edge.md.`);

export const serverHooksSettings = [
  onStarting,
  onReload,
  whenReady,
  preFork,
  postFork,
  postWorkerInit,
  workerInt,
  workerAbort,
  preExec,
  preRequest,
  postRequest,
  childExit,
  workerExit,
  nworkersChanged,
  onExit,
  sslContext,
] as const;
