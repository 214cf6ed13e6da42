// Calling the server hooks the arbiter owns. A hook that throws is logged with its name and
// does not take the server down; on_starting and when_ready are the exception: their
// failure stops startup (the caller sees the error).
import { GunicornError } from '../errors.js';
import type { Logger } from '../log/index.js';

type AnyHook = (...args: unknown[]) => unknown;

export class HookRunner {
  constructor(
    private config: Readonly<Record<string, unknown>>,
    private readonly log: Logger,
  ) {}

  /** HUP: hooks come from the re-read config file. */
  update(config: Readonly<Record<string, unknown>>): void {
    this.config = config;
  }

  has(name: string): boolean {
    return typeof this.config[name] === 'function';
  }

  /** Runs a hook whose failure must stop startup: the error names the hook, without a stack trace. */
  async required(name: string, ...args: unknown[]): Promise<void> {
    const hook = this.config[name];
    if (typeof hook !== 'function') return;
    try {
      await (hook as AnyHook)(...args);
    } catch (err) {
      throw new GunicornError('GTS_ERR_STARTUP', `${name} hook failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Runs a hook; a throw or rejection is logged, never propagated. */
  async call(name: string, ...args: unknown[]): Promise<void> {
    const hook = this.config[name];
    if (typeof hook !== 'function') return;
    try {
      await (hook as AnyHook)(...args);
    } catch (err) {
      this.log.exception(`Exception in ${name} hook`, err, { hook: name });
    }
  }
}
