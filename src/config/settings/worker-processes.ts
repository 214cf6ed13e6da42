// Settings of the "Worker Processes" section: how many workers, what kind, and when they
// are killed or retired.
import { availableParallelism } from 'node:os';
import { defineSetting } from '../setting.js';

/** `auto` (and PM2's `max`) stand for the CPUs this process may use; other values pass through. */
export function parseWorkerCount(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  return word === 'auto' || word === 'max' ? availableParallelism() : value;
}

const WORKER_CLASSES = ['async', 'sync', 'gevent', 'eventlet', 'gthread', 'tornado'] as const;

export const workers = defineSetting<'workers', number>({
  name: 'workers',
  section: 'Worker Processes',
  cli: ['-w', '--workers'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 1 },
  default: 1,
  coerce: parseWorkerCount,
  desc: `The number of worker processes serving requests, or \`auto\` for one per CPU.

Usually 1-2 per CPU core for a Node app, whose event loop already serves many connections at once. \`auto\` (or \`max\`, as PM2's \`-i max\` spells it) is the number of CPUs this process may use (\`os.availableParallelism()\`), read once at start; \`--print-config\` shows the number it became. When no other source sets it, the \`WEB_CONCURRENCY\` environment variable does (\`WEB_CONCURRENCY=auto\` works too).

Each worker gets \`NODE_APP_INSTANCE\` (its slot, \`0\` to \`workers - 1\`, inherited by the worker that replaces it, as under PM2) and \`GUNICORN_WORKER_ID\` (the worker's own number, never reused, as in the logs) in its environment.`,
});

export const workerClass = defineSetting<'worker_class', string>({
  name: 'worker_class',
  section: 'Worker Processes',
  cli: ['-k', '--worker-class'],
  meta: 'STRING',
  schema: {
    type: 'string',
    anyOf: [{ enum: [...WORKER_CLASSES] }, { pattern: '^.+:[A-Za-z_$][A-Za-z0-9_$]*$' }],
  },
  default: 'async',
  desc: `The kind of worker that serves requests.

- \`async\`: the event loop serves up to \`worker_connections\` requests at once; at that limit the worker stops accepting and further connections wait in the kernel queue.
- \`sync\`: one request at a time per worker, each connection closed after its response. A connection takes the slot only once its request head is complete, so clients still sending their head never block it; a head that completes while the slot is busy waits for it.
- \`gevent\`, \`eventlet\`, \`gthread\`, \`tornado\`: Gunicorn's Python worker names, accepted as aliases of \`async\` with a warning.
- \`./path/to/file.ts:ClassName\`: a custom worker class exported by a module, extending \`BaseWorker\` from gunicorn-ts (see docs/workers.md). It may wrap each request and set the connection limit.`,
});

export const threads = defineSetting<'threads', number>({
  name: 'threads',
  section: 'Worker Processes',
  cli: ['--threads'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 1 },
  default: 1,
  desc: `The number of request threads per worker in Gunicorn; on Node, a value above 1 warns and serves as the \`async\` worker.

In Gunicorn, \`threads\` above 1 makes each worker serve that many requests at once (the \`sync\` worker becomes \`gthread\`). A Node \`async\` worker already serves up to \`worker_connections\` requests at once on its event loop, so that is what it maps to: startup warns, and a \`sync\` worker class becomes \`async\`, as Gunicorn's becomes \`gthread\`. JavaScript runs on one thread per event loop; the Node equivalent of more threads is more event loops, i.e. more workers, and measured on a 2-core machine 4 workers served fewer requests per second than 2 (see docs/workers.md).`,
});

export const workerConnections = defineSetting<'worker_connections', number>({
  name: 'worker_connections',
  section: 'Worker Processes',
  cli: ['--worker-connections'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 1 },
  default: 1000,
  desc: `The maximum number of requests one \`async\` worker serves at once, and of connections it holds that are still sending a request head (or idle between requests).

A connection counts as a request only once its head is complete. At the request limit the worker stops accepting, so new connections wait in the kernel queue for any worker with room. At the head limit (this value for every worker class) the connection that has been sending its head longest is closed with 408, and above half of it the time allowed for a head shrinks with the pressure: slow clients cannot starve a worker.`,
});

export const maxRequests = defineSetting<'max_requests', number>({
  name: 'max_requests',
  section: 'Worker Processes',
  cli: ['--max-requests'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0 },
  default: 0,
  desc: `The number of requests after which a worker is replaced by a fresh one.

A simple way to bound the damage of memory leaks. \`0\` turns it off. See \`wait_for_new_workers\` to replace workers without losing capacity.`,
});

export const maxRequestsJitter = defineSetting<'max_requests_jitter', number>({
  name: 'max_requests_jitter',
  section: 'Worker Processes',
  cli: ['--max-requests-jitter'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0 },
  default: 0,
  desc: `The largest random amount added to \`max_requests\` for each worker.

Each worker draws a whole number between 0 and this value, so workers started together do not all retire at the same moment.`,
});

export const maxWorkerMemory = defineSetting<'max_worker_memory', number>({
  name: 'max_worker_memory',
  section: 'Worker Processes',
  cli: ['--max-worker-memory'],
  meta: 'MB',
  schema: { type: 'integer', minimum: 0 },
  default: 0,
  desc: `The resident memory, in megabytes, above which a worker is replaced.

Each worker reads its own resident size twice a second and reports at once when it is above the limit; the arbiter measures it again (from \`/proc\`) and retires it like one that reached \`max_requests\`, so a leak is caught within about a second. A limit below what a bare Node.js process uses is refused at start (and by \`--check-config\`); one below what a freshly booted worker uses is logged once as an error and memory recycling stays off until a reload brings a new limit, rather than replacing every worker for ever. \`0\` turns it off.`,
});

export const timeout = defineSetting<'timeout', number>({
  name: 'timeout',
  section: 'Worker Processes',
  cli: ['-t', '--timeout'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0 },
  default: 30,
  desc: `Seconds a worker may stay silent before it is killed and replaced.

A worker whose event loop does not answer the arbiter's heartbeat for this long is considered stuck: it gets \`SIGABRT\` (so \`worker_abort\` can run), then \`SIGKILL\`. A booting worker must be serving within the same time. \`0\` disables the check.`,
});

export const gracefulTimeout = defineSetting<'graceful_timeout', number>({
  name: 'graceful_timeout',
  section: 'Worker Processes',
  cli: ['--graceful-timeout'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0 },
  default: 30,
  desc: `Seconds a stopping worker has to finish its requests before it is killed.

Applies to every graceful stop: \`SIGTERM\`, reloads and worker replacements.`,
});

export const keepalive = defineSetting<'keepalive', number>({
  name: 'keepalive',
  section: 'Worker Processes',
  cli: ['--keep-alive'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0 },
  default: 2,
  desc: `Seconds an idle keep-alive connection is kept open for the next request.

Behind a load balancer that reuses connections, set it above the balancer's own idle timeout. \`0\` closes each connection after its response. An HTTP/2 session with no stream open is closed with GOAWAY after this many seconds (at least 1).`,
});

export const workerProcessesSettings = [
  workers,
  workerClass,
  threads,
  workerConnections,
  maxRequests,
  maxRequestsJitter,
  maxWorkerMemory,
  timeout,
  gracefulTimeout,
  keepalive,
] as const;
