// The restart policy's public surface for the arbiter's I/O shell: the types, the reducer,
// the timer helper, and the small pure rules other modules may want (jitter, backoff, table).
export type {
  KillReason, KillSignal, LogLevel, Phase, PolicyCommand, PolicyCounts, PolicyEvent, PolicyEventType, PolicyParams, PolicyState,
  RetireReason, StepResult, TiredCause, WorkerRecord, WorkerState,
} from './types.js';
export { initialState, step } from './step.js';
export { nextDeadline, ESCALATION_GRACE_MS } from './timeouts.js';
export { capacity, sheddingPids, underway } from './replacement.js';
export { backoffMs } from './backoff.js';
export { maxRequestsWithJitter } from './jitter.js';
export { TRANSITIONS, transitionsDiagram } from './transitions.js';
