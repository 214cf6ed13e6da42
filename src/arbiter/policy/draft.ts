// The reducer's scratch pad: a private copy of the state that handlers change in place, plus
// the commands issued so far. Every worker change goes through these helpers, so every state
// move is checked against TRANSITIONS and every order to the shell is recorded here.
import { assertMove } from './transitions.js';
import { maxRequestsWithJitter, nextRandom } from './jitter.js';
import type {
  KillReason, KillSignal, LogLevel, PolicyCommand, PolicyParams, PolicyState, RetireReason, TiredCause, WorkerRecord, WorkerState,
} from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type DraftWorker = Mutable<WorkerRecord>;
export type DraftState = Omit<Mutable<PolicyState>, 'workers'> & { workers: DraftWorker[] };

export interface Draft {
  readonly s: DraftState;
  readonly now: number;
  readonly out: PolicyCommand[];
}

export function openDraft(state: PolicyState, now: number): Draft {
  const s: DraftState = { ...state, params: { ...state.params }, workers: state.workers.map((w) => ({ ...w })) };
  return { s, now, out: [] };
}

export function fieldsOf(w: WorkerRecord): Record<string, string | number | null> {
  return { worker: w.id, pid: w.pid, gen: w.generation, state: w.state };
}

export function log(d: Draft, level: LogLevel, msg: string, fields: Record<string, string | number | null> = {}): void {
  d.out.push({ type: 'log', level, msg, fields });
}

export function move(w: DraftWorker, to: WorkerState): void {
  assertMove(w.state, to, w.id);
  w.state = to;
}

export function removeWorker(d: Draft, w: DraftWorker): void {
  assertMove(w.state, 'gone', w.id);
  d.s.workers = d.s.workers.filter((x) => x !== w);
}

export function findByPid(d: Draft, pid: number): DraftWorker | undefined {
  return d.s.workers.find((w) => w.pid === pid);
}

export function spawn(d: Draft, replacementFor: WorkerRecord | null): void {
  const { s, now } = d;
  const draw = nextRandom(s.rng);
  s.rng = draw.seed;
  const id = s.nextId++;
  s.counts = { ...s.counts, spawned: s.counts.spawned + 1 };
  const maxRequests = maxRequestsWithJitter(s.params.maxRequests, s.params.maxRequestsJitter, draw.value);
  const w: DraftWorker = {
    id, pid: null, generation: s.generation, state: 'booting', maxRequests,
    spawnedAt: now, lastBeat: now, requests: 0,
  };
  if (replacementFor) w.replacementFor = replacementFor.id;
  s.workers.push(w);
  d.out.push({ type: 'spawn', id, generation: s.generation, maxRequests, replacementFor: replacementFor?.id ?? null });
  if (replacementFor) log(d, 'info', 'replacing worker', { ...fieldsOf(replacementFor), cause: replacementFor.tiredCause ?? null, replacement: id });
}

/** warming → ready: the worker counts as serving capacity of its own; failures are forgiven. */
export function markReady(d: Draft, w: DraftWorker): void {
  move(w, 'ready');
  w.readyAt = d.now;
  d.s.failures = 0;
  d.s.spawnBlockedUntil = 0;
  log(d, 'info', 'worker ready', fieldsOf(w));
}

export function makeTired(d: Draft, w: DraftWorker, cause: TiredCause): void {
  move(w, 'tired');
  w.tiredAt = d.now;
  w.tiredCause = cause;
  log(d, 'info', 'worker tired', { ...fieldsOf(w), cause });
}

/** Graceful drain over IPC; a booting worker has nothing to drain, so it gets SIGTERM. */
export function retire(d: Draft, w: DraftWorker, reason: RetireReason): void {
  if (w.pid === null) throw new Error(`restart policy bug: retiring worker ${w.id} before it has a pid`);
  if (w.state === 'booting') {
    kill(d, w, 'SIGTERM', reason === 'stop' ? 'stop' : 'excess');
    return;
  }
  move(w, 'draining');
  w.drainSentAt = d.now;
  d.out.push({ type: 'retire', id: w.id, pid: w.pid, reason });
  log(d, 'info', 'retiring worker', { ...fieldsOf(w), reason });
}

/** Send a signal; the first reason stays on the record (an escalation only changes the signal). */
export function kill(d: Draft, w: DraftWorker, signal: KillSignal, reason: KillReason): void {
  if (w.pid === null) throw new Error(`restart policy bug: signalling worker ${w.id} before it has a pid`);
  move(w, 'killing');
  w.killSentAt = d.now;
  w.killSignal = signal;
  if (reason !== 'escalation' || w.killReason === undefined) w.killReason = reason;
  d.out.push({ type: 'kill', id: w.id, pid: w.pid, signal, reason });
}

/** Apply a new `workers` value, calling the nworkers_changed hook as Gunicorn does. */
export function setWorkers(d: Draft, params: PolicyParams, value: number): void {
  const oldValue = d.s.params.workers;
  d.s.params = { ...params, workers: value };
  if (value !== oldValue) d.out.push({ type: 'hook-nworkers-changed', newValue: value, oldValue });
}
