// Handlers for what workers report (through the shell): spawned, booted, warmed, beat, tired,
// boot-failed, exited, and the tick that enforces time limits. Each only updates its worker;
// reconcile() decides what to spawn or retire afterwards. Unknown pids are late messages: ignored.
import { type Draft, type DraftWorker, fieldsOf, findByPid, kill, log, makeTired, markReady, move, removeWorker } from './draft.js';
import { countFailure } from './reconcile.js';
import { dueAction } from './timeouts.js';
import type { KillReason, PolicyEvent } from './types.js';
import { warmupWindowEnded } from './warmup.js';

type Ev<T extends PolicyEvent['type']> = Extract<PolicyEvent, { type: T }>;

const MIB = 1024 * 1024;
/** Exit codes of a worker that could not boot (src/ipc/messages.ts). */
const BOOT_EXIT_REASONS: Readonly<Record<number, string>> = { 3: 'Worker failed to boot', 4: 'App failed to load' };
/** Kills we asked for as part of a plan: their exits are not failures. */
const PLANNED_KILLS: ReadonlySet<KillReason> = new Set(['excess', 'reload', 'stop', 'quit', 'graceful-timeout']);
/** Limits that, hit before ready, count as a failure when the kill is sent (not again at exit). */
const FAILURE_KILLS: ReadonlySet<KillReason> = new Set(['boot-timeout', 'warmup-timeout', 'timeout']);

function worker(d: Draft, pid: number, what: string): DraftWorker | undefined {
  const w = findByPid(d, pid);
  if (!w) log(d, 'debug', `ignoring ${what} from an unknown pid`, { pid });
  return w;
}

export function onSpawned(d: Draft, e: Ev<'spawned'>): void {
  const w = d.s.workers.find((x) => x.id === e.id && x.pid === null);
  if (!w) throw new Error(`restart policy: 'spawned' for worker ${e.id}, which was not ordered or already has a pid`);
  w.pid = e.pid;
  log(d, 'info', 'booting worker', fieldsOf(w));
}

export function onSpawnFailed(d: Draft, e: Ev<'spawn-failed'>): void {
  const w = d.s.workers.find((x) => x.id === e.id && x.pid === null);
  if (!w) throw new Error(`restart policy: 'spawn-failed' for worker ${e.id}, which was not ordered or already has a pid`);
  removeWorker(d, w);
  if (d.s.phase === 'running') countFailure(d, w, `spawn failed: ${e.message}`);
}

function markBooted(d: Draft, w: DraftWorker): void {
  d.s.everBooted = true;
  w.lastBeat = d.now;
  if (w.state !== 'booting') return;
  move(w, 'warming');
  w.bootedAt = d.now;
  w.warmupBaseline = d.s.requestsSeen;
  log(d, 'info', 'worker booted', fieldsOf(w));
}

export function onBooted(d: Draft, e: Ev<'booted'>): void {
  const w = worker(d, e.pid, 'booted');
  if (!w) return;
  markBooted(d, w);
  if (e.rss !== undefined) {
    w.rss = e.rss;
    checkFreshMemory(d, e.rss);
  }
}

export function onWarmed(d: Draft, e: Ev<'warmed'>): void {
  const w = worker(d, e.pid, 'warmed');
  if (!w) return;
  if (w.state === 'booting') markBooted(d, w);
  w.lastBeat = d.now;
  if (w.state === 'warming') markReady(d, w);
}

/**
 * A limit below a freshly booted worker's memory would retire every worker as soon as it is
 * measured, for ever: say so once and stop recycling for memory until a reload changes params.
 */
function checkFreshMemory(d: Draft, rss: number): void {
  const limitMb = d.s.params.maxWorkerMemory;
  if (limitMb <= 0 || d.s.memoryLimitSuspended || rss <= limitMb * MIB) return;
  d.s.memoryLimitSuspended = true;
  log(d, 'error', `max_worker_memory (${limitMb} MB) is below what a freshly booted worker uses (${Math.ceil(rss / MIB)} MB): ` +
    'workers are not recycled for memory until the limit is raised and the server reloaded', { limitMb, rssMb: Math.ceil(rss / MIB) });
}

export function onBeat(d: Draft, e: Ev<'beat'>): void {
  const w = worker(d, e.pid, 'beat');
  if (!w) return;
  w.lastBeat = d.now;
  d.s.requestsSeen += Math.max(0, e.requests - w.requests);
  w.requests = e.requests;
  if (e.rss !== undefined) w.rss = e.rss;
  const limit = d.s.params.maxWorkerMemory * MIB;
  if (limit > 0 && !d.s.memoryLimitSuspended && w.state === 'ready' && e.rss !== undefined && e.rss > limit) makeTired(d, w, 'memory');
}

export function onTired(d: Draft, e: Ev<'tired'>): void {
  const w = worker(d, e.pid, 'tired');
  if (!w) return;
  w.lastBeat = d.now;
  if (w.state === 'warming' || w.state === 'ready') makeTired(d, w, 'max-requests');
}

export function onBootFailed(d: Draft, e: Ev<'boot-failed'>): void {
  const w = worker(d, e.pid, 'boot-failed');
  if (!w) return;
  w.bootFailure = { code: e.code, message: e.message };
  const reason = BOOT_EXIT_REASONS[e.code] ?? 'Worker failed to boot';
  // The full report once per generation: with -w N every worker imports the same broken app.
  const report = `${e.message}\n${e.stack ?? ''}`;
  const last = d.s.bootReport;
  if (last && last.generation === w.generation && last.report === report) {
    log(d, 'error', `${reason} (the same error as worker ${last.worker})`, { ...fieldsOf(w), code: e.code });
  } else {
    d.s.bootReport = { generation: w.generation, report, worker: w.id };
    log(d, 'error', `${reason}: ${e.message}`, { ...fieldsOf(w), code: e.code, ...(e.stack === undefined ? {} : { stack: e.stack }) });
  }
  if (d.s.phase === 'running' && !d.s.everBooted) haltForBootFailure(d, e.code);
}

/** Gunicorn's rule: a worker that cannot boot stops the arbiter, but only before any worker booted. */
function haltForBootFailure(d: Draft, code: number): void {
  d.s.phase = 'halting';
  d.s.exit = { code, reason: BOOT_EXIT_REASONS[code] ?? 'Worker failed to boot' };
}

export function onExited(d: Draft, e: Ev<'exited'>): void {
  const w = worker(d, e.pid, 'exit');
  if (!w) return;
  const planned = w.state === 'draining' || (w.state === 'killing' && w.killReason !== undefined && PLANNED_KILLS.has(w.killReason));
  const how = { ...fieldsOf(w), code: e.code, signal: e.signal };
  log(d, planned ? 'info' : 'warn', planned ? 'worker exited' : 'worker died', how);
  if (!planned) d.s.counts = { ...d.s.counts, died: d.s.counts.died + 1 };
  removeWorker(d, w);
  if (d.s.phase !== 'running') return;
  const bootCode = w.bootFailure?.code ?? (w.state === 'booting' && e.code !== null ? e.code : undefined);
  if (!d.s.everBooted && bootCode !== undefined && BOOT_EXIT_REASONS[bootCode]) {
    haltForBootFailure(d, bootCode);
  } else if (!planned && w.readyAt === undefined && !(w.killReason && FAILURE_KILLS.has(w.killReason))) {
    countFailure(d, w, w.killReason ?? (e.signal ? `signal ${e.signal}` : `exit code ${e.code}`));
  }
}

const TIMEOUT_LOGS: Readonly<Partial<Record<KillReason, string>>> = {
  'boot-timeout': 'worker boot timeout',
  timeout: 'worker timeout',
  'graceful-timeout': 'worker graceful timeout',
  escalation: 'worker ignored its signal',
};

export function onTick(d: Draft): void {
  for (const w of [...d.s.workers]) {
    const due = dueAction(w, d.s.params);
    if (!due || d.now < due.at) continue;
    if (due.reason === 'warmup-timeout') {
      if (warmupWindowEnded(d, w) && d.s.phase === 'running') countFailure(d, w, due.reason);
      continue;
    }
    const level = due.reason === 'escalation' || due.reason === 'graceful-timeout' ? 'warn' : 'error';
    log(d, level, TIMEOUT_LOGS[due.reason] ?? 'worker overdue', { ...fieldsOf(w), signal: due.signal });
    kill(d, w, due.signal, due.reason);
    // Count it now: the slot frees at once, and the backoff must hold back the respawn.
    if (FAILURE_KILLS.has(due.reason) && w.readyAt === undefined && d.s.phase === 'running') countFailure(d, w, due.reason);
  }
}
