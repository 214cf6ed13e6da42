// The worker's side of the IPC channel: typed sends that never throw once the arbiter is
// gone, and the one listener for the arbiter's messages. `init` comes first and settles a
// promise; every later message goes to its entry in one table, complete by type.
import { TO_WORKER_TYPES, type FromWorker, type ToWorker, type WorkerInit } from '../ipc/messages.js';
import type { WorkerConfig } from '../config/worker-config.js';

/** The init message as this worker receives it: settings typed from the registry. */
export type WorkerInitMessage = WorkerInit<WorkerConfig>;
type Order = Exclude<ToWorker<WorkerConfig>, { type: 'init' }>;
/** One handler per arbiter order; a missing or extra entry is a type error. */
export type OrderHandlers = { readonly [T in Order['type']]: (msg: Extract<Order, { type: T }>) => void };

/** A send that fails because the arbiter just went away is not an error: 'disconnect' ends the worker. */
const ignoreClosed = (): void => undefined;

export function send(msg: FromWorker): void {
  if (process.connected && process.send) process.send(msg, undefined, {}, ignoreClosed);
}

/** Sends, then resolves once the message is handed to the channel (before a deliberate exit). */
export function sendAndFlush(msg: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

/**
 * The only narrowing of what the arbiter sends: a known `type` is trusted to carry that
 * message's shape, since the only sender is the arbiter that spawned this process.
 */
function isToWorker(value: unknown): value is ToWorker<WorkerConfig> {
  const type = (value as { type?: unknown } | null)?.type;
  return (TO_WORKER_TYPES as readonly unknown[]).includes(type);
}

function dispatch<T extends Order['type']>(handlers: OrderHandlers, msg: Extract<Order, { type: T }>): void {
  (handlers[msg.type as T] as (m: typeof msg) => void)(msg);
}

/** Installs the listener; resolves with the init message. */
export function listenToArbiter(handlers: OrderHandlers): Promise<WorkerInitMessage> {
  return new Promise((resolve) => {
    process.on('message', (msg: unknown) => {
      if (!isToWorker(msg)) return;
      if (msg.type === 'init') resolve(msg);
      else dispatch(handlers, msg);
    });
  });
}
