// A Logger whose implementation can be replaced while every holder keeps the same object.
// HUP builds a new Logger from the new settings (files, level, format, logconfig,
// logger_class, syslog, statsd); the hooks, the control socket and the arbiter's modules
// that were handed the master's logger at startup log through the new one from then on.
import type { Logger } from './logger.js';

export interface SwappableLogger {
  /** Hand this one out: it always forwards to the current implementation. */
  readonly log: Logger;
  /** Makes `next` current; returns the previous one (the caller closes it). */
  swap(next: Logger): Logger;
}

export function swappableLogger(initial: Logger): SwappableLogger {
  let current = initial;
  // Methods are bound to the current Logger itself, so its private fields (#errorDest, ...)
  // are read on the object that has them, not on the proxy.
  const log = new Proxy(initial, {
    get(_target, prop) {
      const value: unknown = Reflect.get(current, prop, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
    set: (_target, prop, value) => Reflect.set(current, prop, value, current),
    has: (_target, prop) => Reflect.has(current, prop),
    getPrototypeOf: () => Reflect.getPrototypeOf(current),
  });
  return {
    log,
    swap(next: Logger): Logger {
      const previous = current;
      current = next;
      return previous;
    },
  };
}
