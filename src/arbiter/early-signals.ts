// The master's signals that arrive after startup has bound the sockets and written the
// pidfile, but before the Arbiter installed its own handlers (when_ready may take a while):
// held here, then sent again once the Arbiter listens, so a TERM then is still graceful.
import { MASTER_SIGNALS } from './signals.js';

export interface HeldSignals {
  /** The Arbiter's handlers are installed: stop holding and deliver what came meanwhile. */
  release(): void;
  /** Startup failed: stop holding and forget what came. */
  discard(): void;
}

export function holdSignals(): HeldSignals {
  const held: NodeJS.Signals[] = [];
  const handlers = MASTER_SIGNALS.map(({ signal }) => {
    const handler = (): void => void held.push(signal);
    process.on(signal, handler);
    return { signal, handler };
  });
  let done = false;
  const stop = (): void => {
    done = true;
    for (const { signal, handler } of handlers) process.off(signal, handler);
  };
  return {
    release(): void {
      if (done) return;
      stop();
      for (const signal of held) process.kill(process.pid, signal);
    },
    discard(): void {
      if (!done) stop();
    },
  };
}
