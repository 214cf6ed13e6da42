// The arbiter's live worker processes: forking one for a `spawn` command (pre_fork, sockets
// leased, NODE_APP_INSTANCE slot, post_fork), turning its IPC messages and its exit into
// policy events, capture_output, keep-alive shedding, and signals to one or all of them.
// The policy decides what happens to workers; this module only carries it out.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LoadedConfig, LoadInputs } from '../config/load.js';
import type { WorkerRef } from '../config/hook-types.js';
import { workerConfig } from '../config/worker-config.js';
import { isFromWorker } from '../ipc/messages.js';
import type { FromWorker } from '../ipc/messages.js';
import type { Logger } from '../log/index.js';
import { requestWorkerStats } from '../metrics/index.js';
import type { MetricsService } from '../metrics/index.js';
import type { HookRunner } from './hooks.js';
import { InstanceSlots } from './instance-slots.js';
import { socketUrl } from './listeners.js';
import type { Listeners } from './listeners.js';
import { sheddingPids } from './policy/index.js';
import type { PolicyCommand, PolicyEvent, WorkerRecord } from './policy/index.js';
import { workerEnvironment } from './worker-env.js';
import { workerHookSource } from './worker-hook-source.js';
import { spawnWorker } from './worker-process.js';

export interface WorkerProcessesOptions {
  readonly inputs: LoadInputs;
  readonly listeners: Listeners;
  readonly log: Logger;
  readonly hooks: HookRunner;
  /** The configuration in force (a reload replaces it). */
  readonly loaded: () => LoadedConfig;
  /** Gunicorn's `server` argument for the hooks. */
  readonly serverRef: () => unknown;
  /** Feeds a policy event back to the arbiter. */
  readonly dispatch: (event: PolicyEvent) => void;
  readonly metrics: () => MetricsService | null;
  readonly events: WorkerProcessEvents;
}

/** What the arbiter's owner hears from the workers (run.ts: daemon handshake, --reload). */
export interface WorkerProcessEvents {
  /** Called once the first worker has booted. */
  readonly onServing?: () => void;
  /** A worker reported why it could not boot. */
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

export class WorkerProcesses {
  private readonly live = new Map<number, LiveWorker>();
  private readonly idByPid = new Map<number, number>();
  private readonly slots = new InstanceSlots();
  /** Pids last told to shed their keep-alive connections. */
  private readonly shedding = new Set<number>();
  private served = false;

  constructor(private readonly opts: WorkerProcessesOptions) {}

  /** The hooks' view of the live workers. */
  refs(): WorkerRef[] {
    return [...this.live.values()].map((w) => ({ ...w.ref }));
  }

  /** Fresh counts from every worker (they answer with a beat); `waitMs` bounds the wait. */
  requestStats(waitMs?: number): Promise<void> {
    return requestWorkerStats([...this.live.values()].map((w) => w.child), waitMs);
  }

  /** The NODE_APP_INSTANCE slot of worker `id`, or null. */
  instanceSlot(id: number): number | null {
    return this.slots.slotOf(id);
  }

  /** Signals the worker with this pid; false when it is not one of ours. */
  signalPid(pid: number, signal: NodeJS.Signals): boolean {
    const id = this.idByPid.get(pid);
    const worker = id === undefined ? undefined : this.live.get(id);
    return worker === undefined ? false : worker.child.kill(signal);
  }

  signalAll(signal: NodeJS.Signals): void {
    for (const { child } of this.live.values()) child.kill(signal);
  }

  /** Carries out the policy's worker commands. */
  execute(command: Extract<PolicyCommand, { type: 'spawn' | 'retire' | 'kill' }>): void {
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
    }
  }

  private async spawn(command: Extract<PolicyCommand, { type: 'spawn' }>): Promise<void> {
    const { hooks, listeners } = this.opts;
    const ref = { id: command.id, pid: 0, generation: command.generation, maxRequests: command.maxRequests };
    // Taken before any await: a crashed worker's slot was released just before this spawn was ordered.
    const slot = this.slots.assign(command.id, command.replacementFor);
    await hooks.call('pre_fork', this.opts.serverRef(), { ...ref } satisfies WorkerRef);
    const loaded = this.opts.loaded();
    const settings = loaded.config;
    // As in Gunicorn, capture_output only matters when the error log is a file: with '-'
    // the worker already writes to the arbiter's stderr (and its own log lines stay unwrapped).
    const capture = settings.capture_output && settings.errorlog !== '-';
    const failed = (message: string): void => {
      this.slots.release(command.id);
      this.opts.dispatch({ type: 'spawn-failed', id: command.id, message });
    };
    let child: ChildProcess;
    try {
      child = spawnWorker({
        ...ref,
        sockets: listeners.lease(command.id),
        settings: workerConfig(settings),
        hooks: workerHookSource(loaded),
        env: workerEnvironment(this.opts.inputs.env, settings.raw_env, { slot, id: command.id }),
        cwd: this.opts.inputs.cwd,
        captureOutput: capture,
      });
    } catch (err) {
      listeners.release(command.id);
      failed(err instanceof Error ? err.message : String(err));
      return;
    }
    if (child.pid === undefined) {
      listeners.release(command.id);
      child.once('error', (err) => failed(err.message));
      return;
    }
    const pid = child.pid;
    ref.pid = pid;
    this.live.set(command.id, { child, ref });
    this.idByPid.set(pid, command.id);
    if (capture) this.captureOutput(child, pid);
    child.on('message', (message: unknown) => {
      if (isFromWorker(message)) this.onMessage(pid, message);
    });
    child.once('exit', (code, signal) => this.onExit(command.id, pid, code, signal));
    this.opts.dispatch({ type: 'spawned', id: command.id, pid });
    await hooks.call('post_fork', this.opts.serverRef(), { ...ref });
  }

  private captureOutput(child: ChildProcess, pid: number): void {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line !== '') this.opts.log.info(line, { worker_pid: pid, captured: true });
      });
    }
  }

  private onMessage(pid: number, message: FromWorker): void {
    const { dispatch } = this.opts;
    switch (message.type) {
      case 'booted':
        this.opts.log.metrics.gauge('workers', this.live.size);
        dispatch({ type: 'booted', pid, ...measured(residentBytes(pid)) });
        if (!this.served) {
          this.served = true;
          this.opts.events.onServing?.();
        }
        return;
      case 'warmed':
        dispatch({ type: 'warmed', pid });
        return;
      case 'beat':
        this.opts.metrics()?.workerReport(pid, message);
        dispatch({ type: 'beat', pid, requests: message.requests, rss: residentBytes(pid) ?? message.rss });
        return;
      case 'tired':
        dispatch({ type: 'tired', pid });
        return;
      case 'modules':
        this.opts.events.onModules?.(message.files);
        return;
      case 'boot-failed':
        this.opts.events.onBootFailed?.(message.message);
        dispatch({ type: 'boot-failed', pid, code: message.code, message: message.message, ...(message.stack === undefined ? {} : { stack: message.stack }) });
        return;
    }
  }

  /**
   * Tells each worker whether to shed its keep-alive connections (see sheddingPids), on
   * changes only: while a replacement warms, the others answer with `Connection: close` so
   * clients reconnect and some reach it (else keep-alive clients never leave the old workers
   * and warmup_requests is never reached).
   */
  syncShedding(workers: readonly WorkerRecord[]): void {
    const wanted = sheddingPids(workers);
    for (const { child, ref } of this.live.values()) {
      const active = wanted.has(ref.pid);
      if (active === this.shedding.has(ref.pid) || !child.connected) continue;
      if (active) this.shedding.add(ref.pid);
      else this.shedding.delete(ref.pid);
      child.send({ type: 'shed', active }, () => undefined);
    }
  }

  private onExit(id: number, pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    const { log, listeners } = this.opts;
    const worker = this.live.get(id);
    this.live.delete(id);
    this.slots.release(id);
    this.idByPid.delete(pid);
    this.shedding.delete(pid);
    // A reload removed an address: it closes once the last worker that served it is gone.
    for (const socket of listeners.release(id)) {
      log.info(`Stopped listening at: ${socketUrl(socket, this.opts.loaded().config.certfile)}`);
    }
    log.info(`Worker exiting (pid: ${pid})`, { worker: id, exit: signal ? `signal ${signal}` : `code ${code}` });
    // child_exit comes first: the last worker's exit halts the arbiter, and on_exit is last.
    // (worker_exit runs in the worker itself, as it stops: src/worker/shutdown.ts.)
    if (worker) void this.opts.hooks.call('child_exit', this.opts.serverRef(), { ...worker.ref });
    this.opts.dispatch({ type: 'exited', pid, code, signal });
    log.metrics.gauge('workers', this.live.size);
  }
}
