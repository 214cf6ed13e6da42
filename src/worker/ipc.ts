// The worker's side of the IPC channel: typed sends that never throw once the arbiter is
// gone, and the one message the worker waits for before anything else (init).
import { TO_WORKER_TYPES, type FromWorker, type ToWorker, type WorkerInit } from '../ipc/messages.js';

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

export function isToWorker(value: unknown): value is ToWorker {
  const type = (value as { type?: unknown } | null)?.type;
  return (TO_WORKER_TYPES as readonly unknown[]).includes(type);
}

export function waitForInit(): Promise<WorkerInit> {
  return new Promise((resolve) => {
    const onMessage = (msg: unknown): void => {
      if (!isToWorker(msg) || msg.type !== 'init') return;
      process.off('message', onMessage);
      resolve(msg);
    };
    process.on('message', onMessage);
  });
}
