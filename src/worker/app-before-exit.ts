// The app's `process.on('beforeExit')` listeners, run by the worker as it stops gracefully.
// Node emits beforeExit only when the event loop has emptied, and never on process.exit();
// a worker's loop never empties (the arbiter's channel, its sockets) and it ends with
// process.exit(), so without this an app's beforeExit flush would never run.
//
// Node's rules, kept: each listener gets the exit code; when the listeners scheduled more
// work, beforeExit is emitted again once that work is done. "Work" is what
// process.getActiveResourcesInfo() lists beyond what was active before the first round
// (timers, sockets, file requests the listeners started). A listener that schedules work on
// every call never ends the rounds: the shutdown's graceful_timeout cut-off stops it.

/** How often the rounds check whether the listeners' work is done. */
const POLL_MS = 5;

type BeforeExitListener = (code: number) => unknown;

export class AppBeforeExit {
  #own: ReadonlySet<unknown> = new Set();

  /**
   * Everything already listening is gunicorn-ts's (its logger's stream flush, say) and is
   * left to Node: call right before the app is loaded.
   */
  markAppStart(): void {
    this.#own = new Set(process.listeners('beforeExit'));
  }

  get count(): number { return this.#appListeners().length; }

  /** Emits beforeExit to the app's listeners, round after round while they schedule work. */
  async run(failed: (err: unknown) => void): Promise<void> {
    const before = countByType(process.getActiveResourcesInfo());
    for (;;) {
      const listeners = this.#appListeners();
      if (listeners.length === 0) return;
      const code = exitCode();
      const returned: Promise<unknown>[] = [];
      for (const listener of listeners) {
        try {
          // An async listener's promise is awaited too: the work it stands for is the same.
          returned.push(Promise.resolve(Reflect.apply(listener, process, [code])).catch(failed));
        } catch (err) {
          failed(err);
        }
      }
      await Promise.all(returned);
      await sleep(0);
      if (!startedWork(before)) return;
      while (startedWork(before)) await sleep(POLL_MS);
    }
  }

  #appListeners(): BeforeExitListener[] {
    return process.listeners('beforeExit').filter((l) => !this.#own.has(l)) as BeforeExitListener[];
  }
}

/** The worker's one instance: boot.ts marks the app's start, shutdown.ts runs it. */
export const appBeforeExit = new AppBeforeExit();

/** What Node passes: process.exitCode when the app set one, else 0. */
function exitCode(): number {
  const code = Number(process.exitCode ?? 0);
  return Number.isInteger(code) ? code : 0;
}

function countByType(resources: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of resources) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Is any kind of resource more numerous than before the first round? */
function startedWork(before: ReadonlyMap<string, number>): boolean {
  for (const [type, n] of countByType(process.getActiveResourcesInfo())) if (n > (before.get(type) ?? 0)) return true;
  return false;
}

/** An unref'd timer: it is not listed among the active resources it would otherwise add. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
