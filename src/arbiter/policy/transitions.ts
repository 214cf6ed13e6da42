// The legal moves of a worker record: the one place that says which state may follow which.
// The reducer goes through assertMove() for every change, so an illegal move is a bug that
// throws instead of a worker silently stuck in a state nobody handles.
import type { WorkerState } from './types.js';

/** `gone` is not a state: the record is removed when its process has exited. */
export type WorkerStateOrGone = WorkerState | 'gone';

export const TRANSITIONS: Readonly<Record<WorkerState, readonly WorkerStateOrGone[]>> = {
  booting: ['warming', 'killing', 'gone'],
  warming: ['ready', 'tired', 'draining', 'killing', 'gone'],
  ready: ['tired', 'draining', 'killing', 'gone'],
  tired: ['draining', 'killing', 'gone'],
  draining: ['killing', 'gone'],
  killing: ['killing', 'gone'],
};

/** What each move means, for the diagram in docs/restart.md. */
const LABELS: Readonly<Record<string, string>> = {
  'booting>warming': 'booted',
  'booting>killing': 'boot timeout (SIGABRT), reload, excess, stop (SIGTERM), quick stop (SIGQUIT)',
  'warming>ready': 'warmed; booted with no serving worker to replace; warm-up window over with no traffic',
  'warming>tired': 'max requests / reload',
  'warming>draining': 'retire (excess, stop)',
  'warming>killing': 'heartbeat timeout, or warmup timeout despite traffic (SIGABRT), quick stop (SIGQUIT)',
  'ready>tired': 'max requests / reload / memory',
  'ready>draining': 'retire (excess, stop)',
  'ready>killing': 'heartbeat timeout (SIGABRT), quick stop (SIGQUIT)',
  'tired>draining': 'retire (replacement ready; at once for max requests / memory without wait_for_new_workers; excess, stop)',
  'tired>killing': 'heartbeat timeout (SIGABRT), quick stop (SIGQUIT)',
  'draining>killing': 'graceful timeout (SIGKILL), quick stop (SIGQUIT)',
  'killing>killing': 'signal ignored → SIGKILL',
};

export function isLegalMove(from: WorkerState, to: WorkerStateOrGone): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertMove(from: WorkerState, to: WorkerStateOrGone, id: number): void {
  if (!isLegalMove(from, to)) {
    throw new Error(`restart policy bug: worker ${id} cannot move from ${from} to ${to}`);
  }
}

/** A Mermaid state diagram of TRANSITIONS (any state may also exit: shown once, as "exited"). */
export function transitionsDiagram(): string {
  const lines = ['stateDiagram-v2', '  [*] --> booting: spawn'];
  for (const [from, targets] of Object.entries(TRANSITIONS) as [WorkerState, readonly WorkerStateOrGone[]][]) {
    for (const to of targets) {
      if (to === 'gone') continue;
      const label = LABELS[`${from}>${to}`];
      lines.push(`  ${from} --> ${to}${label ? `: ${label}` : ''}`);
    }
  }
  lines.push('  draining --> [*]: exited (any state may exit)');
  return lines.join('\n');
}
