// Wraps the app's request listener with what the worker does around every request:
// the drain decides the Connection header, the gate and the counter track it, the
// pre_request/post_request hooks run, and an app that throws gets a 500 instead of
// taking the worker (and every other request in it) down. When the response closes, one
// listener shared by every response tells them all, with one clock read: the duration
// (from the arrival time worker-response.ts noted) goes to /metrics and the access log.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ConnectionGate, ConnectionSlot } from './connection-gate.js';
import type { Drain } from './drain.js';
import type { RequestCounter } from './request-counter.js';
import type { WorkerHooks } from './worker-hooks.js';
import type { HookLogger } from '../config/hook-types.js';
import { internalError } from '../app/internal-error.js';
import type { EnrichedRequest, ResponseEnricher } from './enrich-response.js';
import type { ConnectionShedding } from './connection-shedding.js';
import type { AccessRecorder } from './access-recorder.js';
import type { AttachedStats } from './request-stats.js';
import { arrivedAt, noteArrivalTarget } from './worker-response.js';
import { admittedSocketOf } from './admitted-socket.js';
import { monotonicMs } from '../monotonic-clock.js';

export interface RequestParts {
  readonly gate: ConnectionGate;
  readonly drain: Drain;
  readonly counter: RequestCounter;
  readonly hooks: WorkerHooks;
  readonly log: HookLogger;
  /** /metrics: each closed response and its duration (null: no /metrics, nothing recorded). */
  readonly stats: Pick<AttachedStats, 'record'> | null;
  /** The access log (and statsd request metrics), when anything wants the requests. */
  readonly access?: AccessRecorder | null;
  /** enrich_response: wraps each body with the worker's telemetry. */
  readonly enrich?: ResponseEnricher;
  /** Issue 5: a tired worker whose replacement accepts closes keep-alive connections. */
  readonly shed?: ConnectionShedding;
}

const SLOT = Symbol('gunicorn-ts.connection-slot');
type TrackedResponse = ServerResponse & { [SLOT]?: ConnectionSlot | undefined };

export function serveRequest(app: RequestListener, parts: RequestParts): RequestListener {
  const { gate, drain, counter, hooks, log, stats } = parts;
  const access = parts.access ?? null;
  // One listener function shared by every response (no closure per request): the request is
  // over for /metrics, the counter, the gate's idle tracking (and the drain's) and the access log.
  // The arrival time is read only for what uses it: a symbol lookup that misses walks the
  // response's prototype chain.
  const timed = stats !== null || access !== null;
  const closed = function (this: TrackedResponse): void {
    const now = monotonicMs();
    const arrived = timed ? arrivedAt(this, now) : now;
    stats?.record(this, now - arrived);
    counter.finished();
    gate.requestDone(this[SLOT], now);
    access?.finished(this, arrived, now - arrived);
  };
  const run = (req: IncomingMessage, res: ServerResponse, enriched?: EnrichedRequest): void => {
    enriched?.appCalled();
    try {
      const result: unknown = app(req, res);
      if (isThenable(result)) result.then(undefined, (err: unknown) => failed(log, res, err));
    } catch (err) {
      failed(log, res, err);
    }
  };
  const noteTarget = access?.features.captureTarget === true;
  const preRequest = hooks.has('pre_request');
  const postRequest = hooks.has('post_request');
  return (req, res) => {
    if (noteTarget) noteArrivalTarget(res, req);
    const enriched = parts.enrich?.begin(req, res);
    drain.prepare(res);
    parts.shed?.prepare(res);
    (res as TrackedResponse)[SLOT] = gate.requestStarted(admittedSocketOf(req), res);
    counter.started();
    res.on('close', closed);
    if (postRequest) res.once('close', () => void hooks.call('post_request', req, res));
    if (preRequest) void hooks.call('pre_request', req).then(() => run(req, res, enriched));
    else run(req, res, enriched);
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function failed(log: HookLogger, res: ServerResponse, err: unknown): void {
  log.error(`error handling request: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  internalError(res);
}
