// Settings of the "Zero-downtime Replacement" section: the fork's options that replace
// workers without ever dropping capacity, and the limits around warming.
import { defineSetting } from '../setting.js';

export const waitForNewWorkers = defineSetting<'wait_for_new_workers', boolean>({
  name: 'wait_for_new_workers',
  section: 'Zero-downtime Replacement',
  cli: ['--wait-for-new-workers'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Keep a worker recycled for \`max_requests\` or \`max_worker_memory\` serving until its replacement is ready.

Without it, such a worker stops at once and capacity drops until its replacement boots (Gunicorn's recycling). With it, the arbiter starts the replacement first and tells the old worker to drain only when the new one is ready. A reload (\`HUP\`) always works this way, with or without this setting.`,
});

export const maxRestartingWorkers = defineSetting<'max_restarting_workers', number>({
  name: 'max_restarting_workers',
  section: 'Zero-downtime Replacement',
  cli: ['--max-restarting-workers'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0 },
  default: 0,
  desc: `The most worker replacements allowed under way at the same time.

Retiring workers beyond the bound keep serving and wait their turn, first come first served. It bounds a reload (\`HUP\`) always, and \`max_requests\`/\`max_worker_memory\` recycling with \`wait_for_new_workers\`. \`0\` means no bound for recycling, and for a reload half the machine's available parallelism (at least 1), so the new workers booting do not starve the ones still serving; set it to \`workers\` to replace them all at once.`,
});

export const warmupRequests = defineSetting<'warmup_requests', number>({
  name: 'warmup_requests',
  section: 'Zero-downtime Replacement',
  cli: ['--warmup-requests'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0 },
  default: 0,
  desc: `The number of requests a new worker serves before it counts as ready.

Until then it serves alongside the worker it replaces, which keeps serving too. Warm-up applies only to a worker that replaces one still serving: a first-generation worker, one added by \`TTIN\` or one replacing a worker that died is ready once booted, so an idle new server is healthy. \`0\` makes every worker ready as soon as it has booted.`,
});

export const warmupTimeout = defineSetting<'warmup_timeout', number>({
  name: 'warmup_timeout',
  section: 'Zero-downtime Replacement',
  cli: ['--warmup-timeout'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0 },
  default: 60,
  desc: `Seconds a new worker has to serve its \`warmup_requests\`.

When the window ends before the replacement has served \`warmup_requests\`: if no request reached any worker meanwhile (an idle server), there was nothing to warm on and it is ready (logged at info); otherwise it is killed and retried with a growing delay while the worker it was to replace keeps serving. After 5 failed replacements in a row no more are started until the next reload, so the old workers keep serving and nothing cycles. \`0\` waits forever.`,
});

export const replacementSettings = [waitForNewWorkers, maxRestartingWorkers, warmupRequests, warmupTimeout] as const;
