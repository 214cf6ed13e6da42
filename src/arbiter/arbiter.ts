// The arbiter's I/O shell. It turns signals, worker messages, exits and time into policy
// events, feeds them to the pure policy (src/arbiter/policy) and carries out the commands
// it returns: fork, retire, kill, log, halt. It holds no restart rules of its own.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LoadedConfig, LoadInputs } from '../config/load.js';
import type { ServerRef, WorkerRef } from '../config/hook-types.js';
import { isFromWorker } from '../ipc/messages.js';
import type { FromWorker } from '../ipc/messages.js';
import type { Logger } from '../log/index.js';
import { lifecycleChanges, requestWorkerStats, sendLifecycleToStatsd, startMetrics } from '../metrics/index.js';
import type { MetricsService } from '../metrics/index.js';
import { HookRunner } from './hooks.js';
import { socketUrl } from './listeners.js';
import type { Listeners } from './listeners.js';
import type { Pidfile } from './pidfile.js';
import { policyParams } from './policy-params.js';
import { initialState, nextDeadline, sheddingPids, step } from './policy/index.js';
import type { PolicyCommand, PolicyEvent, PolicyState } from './policy/index.js';
import { MASTER_SIGNALS } from './signals.js';
import type { SignalAction } from './signals.js';
import { spawnWorker } from './worker-process.js';
import { workerHookSource } from './worker-hook-source.js';
import { workerConfig } from '../config/worker-config.js';
import { reloadConfig } from './reload.js';
import type { ReloadOutcome } from './reload.js';
import { workerEnvironment } from './worker-env.js';
import { InstanceSlots } from './instance-slots.js';

export interface ArbiterOptions {
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
  /** Called once the first worker has booted (daemon handshake). */
  readonly onServing?: () => void;
  /** Called after the last worker left and before exit (pidfile, sockets, on_exit). */
  readonly cleanup: (code: number, reason: string) => Promise<void>;
  /** A worker reported why it could not boot (the daemon's foreground shows it). */
  readonly onBootFailed?: (message: string) => void;
  /** With `reload`: a worker reported the files its app loaded. */
  readonly onModules?: (files: readonly string[]) => void;
}

interface LiveWorker {
  readonly child: ChildProcess;
  readonly ref: { id: number; pid: number; generation: number; maxRequests: number };
}

/** Resident set size in bytes, read from the kernel rather than trusted from the worker. */
function residentBytes(pid: number): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const measured = (rss: number | undefined): { rss?: number } => (rss === undefined ? {} : { rss });

export class Arbiter {
  private state: PolicyState;
  private loaded: LoadedConfig;
  private readonly hooks: HookRunner;
  private readonly live = new Map<number, LiveWorker>();
  private readonly idByPid = new Map<number, number>();
  private readonly slots = new InstanceSlots();
  /** Pids last told to shed their keep-alive connections. */
  private readonly shedding = new Set<number>();
  private readonly queue: PolicyEvent[] = [];
  private dispatching = false;
  private timer: NodeJS.Timeout | undefined;
  private served = false;
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
    this.metrics = startMetrics(this.loaded.config.metrics_bind, {
      sockets: () => opts.listeners.current, log: opts.log,
      flush: () => requestWorkerStats([...this.live.values()].map((w) => w.child)),
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
      workers: [...this.live.values()].map((w) => ({ ...w.ref })),
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
    return requestWorkerStats([...this.live.values()].map((w) => w.child), 500);
  }

  /** Signals one of this arbiter's workers (the control socket's `worker kill`); false when `pid` is not one. */
  signalWorker(pid: number, signal: NodeJS.Signals): boolean {
    const id = this.idByPid.get(pid);
    const worker = id === undefined ? undefined : this.live.get(id);
    if (worker === undefined) return false;
    this.opts.log.info(`Control: sending ${signal} to worker ${pid}`);
    return worker.child.kill(signal);
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
        for (const { child } of this.live.values()) child.kill('SIGUSR1');
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
    this.syncShedding();
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
        void this.spawn(command);
        return;
      case 'retire': {
        const worker = this.live.get(command.id);
        if (worker?.child.connected) worker.child.send({ type: 'retire' }, (err) => err && worker.child.kill('SIGTERM'));
        else worker?.child.kill('SIGTERM');
        return;
      }
      case 'kill':
        // Gunicorn's line for a worker that stopped answering.
        if (command.reason === 'timeout') this.opts.log.critical(`WORKER TIMEOUT (pid:${command.pid})`);
        this.live.get(command.id)?.child.kill(command.signal);
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

  private async spawn(command: Extract<PolicyCommand, { type: 'spawn' }>): Promise<void> {
    const ref = { id: command.id, pid: 0, generation: command.generation, maxRequests: command.maxRequests };
    // Taken before any await: a crashed worker's slot was released just before this spawn was ordered.
    const slot = this.slots.assign(command.id, command.replacementFor);
    await this.hooks.call('pre_fork', this.serverRef, { ...ref } satisfies WorkerRef);
    const settings = this.settings;
    // As in Gunicorn, capture_output only matters when the error log is a file: with '-'
    // the worker already writes to the arbiter's stderr (and its own log lines stay unwrapped).
    const capture = settings.capture_output && settings.errorlog !== '-';
    let child: ChildProcess;
    try {
      child = spawnWorker({
        ...ref,
        sockets: this.opts.listeners.lease(command.id),
        settings: workerConfig(settings),
        hooks: workerHookSource(this.loaded),
        env: workerEnvironment(this.opts.inputs.env, settings.raw_env, { slot, id: command.id }),
        cwd: this.opts.inputs.cwd,
        captureOutput: capture,
      });
    } catch (err) {
      this.opts.listeners.release(command.id);
      this.slots.release(command.id);
      this.dispatch({ type: 'spawn-failed', id: command.id, message: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (child.pid === undefined) {
      this.opts.listeners.release(command.id);
      child.once('error', (err) => {
        this.slots.release(command.id);
        this.dispatch({ type: 'spawn-failed', id: command.id, message: err.message });
      });
      return;
    }
    const pid = child.pid;
    ref.pid = pid;
    this.live.set(command.id, { child, ref });
    this.idByPid.set(pid, command.id);
    if (capture) this.captureOutput(child, pid);
    child.on('message', (message: unknown) => {
      if (isFromWorker(message)) this.onWorkerMessage(pid, message);
    });
    child.once('exit', (code, signal) => this.onWorkerExit(command.id, pid, code, signal));
    this.dispatch({ type: 'spawned', id: command.id, pid });
    await this.hooks.call('post_fork', this.serverRef, { ...ref });
  }

  private captureOutput(child: ChildProcess, pid: number): void {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line !== '') this.opts.log.info(line, { worker_pid: pid, captured: true });
      });
    }
  }

  private onWorkerMessage(pid: number, message: FromWorker): void {
    switch (message.type) {
      case 'booted':
        this.opts.log.metrics.gauge('workers', this.live.size);
        this.dispatch({ type: 'booted', pid, ...measured(residentBytes(pid)) });
        if (!this.served) {
          this.served = true;
          this.opts.onServing?.();
        }
        return;
      case 'warmed':
        this.dispatch({ type: 'warmed', pid });
        return;
      case 'beat':
        this.metrics?.workerReport(pid, message);
        this.dispatch({ type: 'beat', pid, requests: message.requests, rss: residentBytes(pid) ?? message.rss });
        return;
      case 'tired':
        this.dispatch({ type: 'tired', pid });
        return;
      case 'modules':
        this.opts.onModules?.(message.files);
        return;
      case 'boot-failed':
        this.opts.onBootFailed?.(message.message);
        this.dispatch({ type: 'boot-failed', pid, code: message.code, message: message.message, ...(message.stack === undefined ? {} : { stack: message.stack }) });
        return;
    }
  }

  /**
   * Issue 5: once a replacement accepts, the tired worker it replaces closes its keep-alive
   * connections one response at a time, so clients reconnect and reach the replacement (else
   * keep-alive clients never leave the old worker and warmup_requests is never reached).
   */
  /** Tells each worker whether to shed its keep-alive connections (see sheddingPids), on changes only. */
  private syncShedding(): void {
    const wanted = sheddingPids(this.state.workers);
    for (const { child, ref } of this.live.values()) {
      const active = wanted.has(ref.pid);
      if (active === this.shedding.has(ref.pid) || !child.connected) continue;
      if (active) this.shedding.add(ref.pid);
      else this.shedding.delete(ref.pid);
      child.send({ type: 'shed', active }, () => undefined);
    }
  }

  private onWorkerExit(id: number, pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    const worker = this.live.get(id);
    this.live.delete(id);
    this.slots.release(id);
    this.idByPid.delete(pid);
    this.shedding.delete(pid);
    // A reload removed an address: it closes once the last worker that served it is gone.
    for (const socket of this.opts.listeners.release(id)) {
      this.opts.log.info(`Stopped listening at: ${socketUrl(socket, this.loaded.config.certfile)}`);
    }
    const how = signal ? `signal ${signal}` : `code ${code}`;
    this.opts.log.info(`Worker exiting (pid: ${pid})`, { worker: id, exit: how });
    // child_exit comes first: the last worker's exit halts the arbiter, and on_exit is last.
    // (worker_exit runs in the worker itself, as it stops: src/worker/shutdown.ts.)
    if (worker) void this.hooks.call('child_exit', this.serverRef, { ...worker.ref });
    this.dispatch({ type: 'exited', pid, code, signal });
    this.opts.log.metrics.gauge('workers', this.live.size);
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
