// HUP's master side: read the configuration again and apply it as a start would, before the
// policy starts the new generation: bind the new addresses, build the master's Logger from
// the new logging settings, move the pidfile, retitle the process. Whatever can fail is
// done first; a failure undoes it and keeps the running configuration whole.
import { loadConfig } from '../config/load.js';
import type { LoadedConfig, LoadInputs } from '../config/load.js';
import type { Config } from '../config/registry.js';
import { GunicornError } from '../errors.js';
import { createLogger } from '../log/index.js';
import type { Logger } from '../log/index.js';
import type { ListenerChange, Listeners } from './listeners.js';
import { socketUrl } from './listeners.js';
import { Pidfile } from './pidfile.js';
import { startWarnings } from '../preflight/warnings.js';
import { planReload } from './reload-plan.js';
import type { KeptSetting } from './reload-plan.js';

export interface ReloadContext {
  readonly running: LoadedConfig;
  readonly inputs: LoadInputs;
  readonly listeners: Listeners;
  readonly pidfile: { current: Pidfile | null };
  /** The master's logger as handed out (it forwards to the current implementation). */
  readonly log: Logger;
  /** Makes a new Logger current; returns the previous one. */
  readonly swapLog: (next: Logger) => Logger;
}

export type ReloadOutcome =
  | { readonly ok: true; readonly loaded: LoadedConfig; readonly kept: readonly KeptSetting[] }
  | { readonly ok: false; readonly error: string };

interface Prepared {
  sockets: ListenerChange | null;
  logger: Logger | null;
  /** undefined: the pidfile stays as it is. */
  pidfile?: Pidfile | null;
}

export function processTitle(config: Config): string {
  return `gunicorn-ts: master [${config.proc_name ?? config.app ?? config.default_proc_name}]`;
}

export async function reloadConfig(ctx: ReloadContext): Promise<ReloadOutcome> {
  let loaded: LoadedConfig;
  try {
    const result = await loadConfig(ctx.inputs);
    if (result.kind !== 'config') return { ok: false, error: 'the command line asks for help or the version, not a server' };
    const plan = planReload(ctx.running.config, result.config, ctx.listeners.followsBind);
    loaded = { ...result, config: plan.config };
    const prepared: Prepared = { sockets: null, logger: null };
    try {
      await prepare(ctx, plan.config, prepared);
    } catch (err) {
      await undo(ctx, prepared);
      throw err;
    }
    await commit(ctx, plan.config, prepared);
    for (const warning of [...loaded.warnings, ...startWarnings(plan.config)]) ctx.log.warning(warning);
    for (const kept of plan.kept) ctx.log.warning(kept.message, { setting: kept.name });
    return { ok: true, loaded, kept: plan.kept };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The steps that can fail, in an order that lets undo() release what was done. */
async function prepare(ctx: ReloadContext, config: Config, out: Prepared): Promise<void> {
  out.sockets = await ctx.listeners.prepare(config.bind, {
    backlog: config.backlog,
    umask: config.umask,
    onRetry: (label) => ctx.log.error(`Connection in use: ${label}, retrying in 1 second`),
  });
  // Always a new Logger, as Gunicorn 26 re-applies its logging on HUP: the logconfig file
  // and the logger_class module are read again even when their names did not change.
  out.logger = await createLogger(config, { role: 'arbiter', pid: process.pid });
  const before = ctx.pidfile.current?.path ?? null;
  if (config.pidfile !== before) {
    out.pidfile = config.pidfile === null ? null : new Pidfile(config.pidfile);
    try {
      out.pidfile?.create(process.pid);
    } catch (err) {
      if (err instanceof GunicornError) throw err; // it names the pidfile already
      throw new Error(`pidfile: cannot write ${config.pidfile}: ${(err as Error).message}`);
    }
  }
}

async function undo(ctx: ReloadContext, prepared: Prepared): Promise<void> {
  if (prepared.sockets) ctx.listeners.abort(prepared.sockets);
  await prepared.logger?.close();
}

async function commit(ctx: ReloadContext, config: Config, prepared: Prepared): Promise<void> {
  if (prepared.logger) {
    const previous = ctx.swapLog(prepared.logger);
    await previous.close();
  }
  if (prepared.pidfile !== undefined) {
    ctx.pidfile.current?.unlink(process.pid);
    ctx.pidfile.current = prepared.pidfile;
  }
  process.title = processTitle(config);
  if (prepared.sockets === null) return;
  const closed = ctx.listeners.commit(prepared.sockets);
  for (const socket of prepared.sockets.added) ctx.log.info(`Listening at: ${socketUrl(socket, config.certfile)} (${process.pid})`);
  for (const socket of closed) ctx.log.info(`Stopped listening at: ${socketUrl(socket, config.certfile)}`);
}
