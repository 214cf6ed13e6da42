// The arbiter's I/O shell. It turns signals, reloads and time into policy events (worker
// messages and exits come through WorkerProcesses), feeds them to the pure policy
// (src/arbiter/policy) and carries out the commands it returns: fork, retire and kill go to
// WorkerProcesses; log, hooks and halt are done here. It holds no restart rules of its own.
import type { LoadedConfig, LoadInputs } from '../config/load.js';
import type { ServerRef } from '../config/hook-types.js';
import type { Logger } from '../log/index.js';
import { lifecycleChanges, sendLifecycleToStatsd, startMetrics } from '../metrics/index.js';
import type { MetricsService } from '../metrics/index.js';
import { HookRunner } from './hooks.js';
import type { Listeners } from './listeners.js';
import type { Pidfile } from './pidfile.js';
import { policyParams } from './policy-params.js';
import { initialState, nextDeadline, step } from './policy/index.js';
import type { PolicyCommand, PolicyEvent, PolicyState } from './policy/index.js';
import { MASTER_SIGNALS } from './signals.js';
import type { SignalAction } from './signals.js';
import { reloadConfig } from './reload.js';
import type { ReloadOutcome } from './reload.js';
import { WorkerProcesses, type WorkerProcessEvents } from './worker-processes.js';

export interface ArbiterOptions extends WorkerProcessEvents {
  readonly loaded: LoadedConfig;
  readonly inputs: LoadInputs;
  /** The listening sockets; a reload changes them, and workers lease theirs at spawn. */
  readonly listeners: Listeners;
  /** The master's logger as handed out; `swapLog` replaces what it forwards to (HUP). */
  readonly log: Logger;
  readonly swapLog: (next: Logger) => Logger;
  /** The pidfile, moved by a reload that changes `pidfile` (and by USR2). */
  readonly pidfile: { current: Pidfile | null };
  readonly daemonized: boolean;
  /** USR2: start a new master on the same sockets. */
  readonly reexec: () => void;
  /** Called after the last worker left and before exit (pidfile, sockets, on_exit). */
  readonly cleanup: (code: number, reason: string) => Promise<void>;
}

export class Arbiter {
  private state: PolicyState;
  private loaded: LoadedConfig;
  private readonly hooks: HookRunner;
  private readonly workers: WorkerProcesses;
  private readonly queue: PolicyEvent[] = [];
  private dispatching = false;
  private timer: NodeJS.Timeout | undefined;
  private finish!: (code: number) => void;
  private readonly finished = new Promise<number>((resolve) => (this.finish = resolve));
  private readonly signalHandlers = new Map<NodeJS.Signals, () => void>();
  /** metrics_bind: /metrics and /healthz; null when off. */
  private readonly metrics: MetricsService | null;
  /** Reloads run one after the other: a HUP during a reload waits for it. */
  private reloading: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ArbiterOptions) {
    this.loaded = opts.loaded;
    this.hooks = new HookRunner(this.settings, opts.log);
    this.state = initialState(policyParams(this.loaded.config), Math.floor(Math.random() * 2 ** 31));
    this.workers = new WorkerProcesses({
      inputs: opts.inputs, listeners: opts.listeners, log: opts.log, hooks: this.hooks,
      loaded: () => this.loaded, serverRef: () => this.serverRef, dispatch: (event) => this.dispatch(event),
      metrics: () => this.metrics, events: opts,
    });
    this.metrics = startMetrics(this.loaded.config.metrics_bind, {
      sockets: () => opts.listeners.current, log: opts.log,
      flush: () => this.workers.requestStats(),
    });
  }

  private get settings(): LoadedConfig['config'] {
    return this.loaded.config;
  }

  /** Gunicorn's `server` argument for hooks. */
  get serverRef(): ServerRef {
    return {
      pid: process.pid,
      numWorkers: this.state.params.workers,
      workers: this.workers.refs(),
      log: this.opts.log,
      cfg: this.settings,
    };
  }

  /** The configuration in force (the one a HUP loaded last). */
  get config(): LoadedConfig['config'] {
    return this.loaded.config;
  }

  /** Read-only view of the policy state, for the status control socket. */
  get policyState(): PolicyState {
    return this.state;
  }

  /** Fresh counts from every worker (they answer with a beat), for the control socket's `show workers`. */
  refreshWorkerStats(): Promise<void> {
    return this.workers.requestStats(500);
  }

  /** The NODE_APP_INSTANCE slot of worker `id` (the control socket's `show workers`). */
  instanceSlot(id: number): number | null {
    return this.workers.instanceSlot(id);
  }

  /** Signals one of this arbiter's workers (the control socket's `worker kill`); false when `pid` is not one. */
  signalWorker(pid: number, signal: NodeJS.Signals): boolean {
    const sent = this.workers.signalPid(pid, signal);
    if (sent) this.opts.log.info(`Control: sending ${signal} to worker ${pid}`);
    return sent;
  }

  /** Runs until the policy halts; resolves with the exit code. */
  async run(): Promise<number> {
    this.installSignals();
    this.dispatch({ type: 'start' });
    return this.finished;
  }

  private installSignals(): void {
    for (const { signal, action } of MASTER_SIGNALS) {
      const handler = (): void => this.onSignal(signal, action);
      this.signalHandlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  private removeSignals(): void {
    for (const [signal, handler] of this.signalHandlers) process.off(signal, handler);
  }

  private onSignal(signal: NodeJS.Signals, action: SignalAction): void {
    // /healthz answers 503 before any worker is told to drain.
    if (action === 'graceful-stop' || action === 'quick-stop') this.metrics?.shuttingDown(signal);
    this.opts.log.info(`Handling signal: ${signal.slice(3).toLowerCase()}`);
    switch (action) {
      case 'reload':
        this.opts.log.info('Hang up: Master');
        this.reload().catch((err: unknown) => this.opts.log.exception('Reload failed', err));
        return;
      case 'reopen-logs':
        this.opts.log.reopen();
        this.workers.signalAll('SIGUSR1');
        return;
      case 'reexec':
        this.opts.reexec();
        return;
      case 'stop-workers':
        if (this.opts.daemonized) this.dispatch({ type: 'stop-workers' });
        else this.opts.log.debug('SIGWINCH ignored: not daemonized');
        return;
      default:
        this.dispatch({ type: action });
    }
  }

  /**
   * HUP (and the control socket's `reload`): read the configuration again and apply it, then
   * start a new generation of workers with it. A configuration that fails to load or to apply
   * is logged and the running one is kept whole.
   */
  reload(): Promise<ReloadOutcome> {
    const next = this.reloading.then(() => this.reloadOnce());
    this.reloading = next.catch(() => undefined); // one failed reload must not block the next
    return next;
  }

  private async reloadOnce(): Promise<ReloadOutcome> {
    if (this.state.phase !== 'running') {
      this.opts.log.warning('Reload ignored: the arbiter is not running', { phase: this.state.phase });
      return { ok: false, error: `the arbiter is ${this.state.phase}` };
    }
    const outcome = await reloadConfig({
      running: this.loaded, inputs: this.opts.inputs, listeners: this.opts.listeners,
      pidfile: this.opts.pidfile, log: this.opts.log, swapLog: this.opts.swapLog,
    });
    if (!outcome.ok) {
      this.opts.log.error(`Reload failed, keeping the running configuration: ${outcome.error}`);
      return outcome;
    }
    this.loaded = outcome.loaded;
    this.hooks.update(this.settings);
    await this.hooks.call('on_reload', this.serverRef);
    this.dispatch({ type: 'reload', params: policyParams(this.loaded.config) });
    return outcome;
  }

  /** Feeds one event to the policy; events raised while carrying out commands are queued. */
  dispatch(event: PolicyEvent): void {
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    const before = this.state;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const result = step(this.state, next, Date.now());
        this.state = result.state;
        for (const command of result.commands) this.execute(command);
      }
    } finally {
      this.dispatching = false;
    }
    if (this.state !== before) {
      // One reading of the lifecycle for both /metrics and statsd: same causes, same intervals.
      const changes = lifecycleChanges(before, this.state);
      this.metrics?.observe(this.state, changes);
      sendLifecycleToStatsd(changes, this.opts.log.metrics);
    }
    this.workers.syncShedding(this.state.workers);
    this.schedule();
  }

  /** One timer for the policy's next deadline; the tick runs after the poll phase so heartbeats already queued are read first. */
  private schedule(): void {
    clearTimeout(this.timer);
    const deadline = nextDeadline(this.state);
    if (deadline === null || this.state.phase === 'halted') return;
    const delay = Math.max(0, Math.min(deadline - Date.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => setImmediate(() => this.dispatch({ type: 'tick' })), delay);
  }

  private execute(command: PolicyCommand): void {
    switch (command.type) {
      case 'spawn':
      case 'retire':
      case 'kill':
        this.workers.execute(command);
        return;
      case 'log': {
        const level = command.level === 'warn' ? 'warning' : command.level;
        // Every line's own `pid` is the arbiter's; the worker's goes under its own name.
        const { pid, ...fields } = command.fields;
        this.opts.log[level](command.msg, pid === undefined ? fields : { ...fields, worker_pid: pid });
        return;
      }
      case 'hook-nworkers-changed':
        void this.hooks.call('nworkers_changed', this.serverRef, command.newValue, command.oldValue);
        return;
      case 'halt':
        void this.halt(command.code, command.reason);
        return;
    }
  }

  private async halt(code: number, reason: string): Promise<void> {
    clearTimeout(this.timer);
    this.removeSignals();
    if (code !== 0) this.opts.log.error(`Reason: ${reason}`);
    this.opts.log.info('Shutting down: Master');
    await this.hooks.call('on_exit', this.serverRef);
    await this.metrics?.close();
    await this.opts.cleanup(code, reason);
    this.finish(code);
  }
}
