// The operator commands over a set of instances, `check` for CI and `run` for service
// managers. Each prints one line per instance and returns the exit status: 0 when every
// instance did what was asked, 1 when one failed, 3 from `status` when one is not running.
import { mkdirSync } from 'node:fs';
import { findInstances, scanConfigDir, selectInstances } from './instances.js';
import { readLegacyFile } from './legacy.js';
import type { Instance } from './instances.js';
import { pidfileOf } from './paths.js';
import type { DebianPaths } from './paths.js';
import { describeState, pidfileNames, readPidfile, removeFile, stateOf, waitForExit } from './process-state.js';
import { reason, runForeground, startInstance } from './start-instance.js';
import { gunicornArgs, instanceEnv } from './gunicorn-args.js';
import type { Outcome } from './start-instance.js';
import { formatInvalid, validateInstances } from './validate.js';

export interface CommandContext {
  readonly paths: DebianPaths;
  readonly env: NodeJS.ProcessEnv;
  /** Bound on waiting for one instance to start or to stop. */
  readonly timeoutMs: number;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

function report(ctx: CommandContext, outcomes: readonly Outcome[]): number {
  for (const o of outcomes) (o.ok ? ctx.out : ctx.err)(`${o.name}: ${o.message}`);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

/** Instances with a file, plus names that only have a pidfile left (their file was removed). */
function knownNames(ctx: CommandContext, names: readonly string[]): string[] {
  const all = new Set([...findInstances(ctx.paths.configDir).map((i) => i.name), ...pidfileNames(ctx.paths.runDir)]);
  return selectInstances([...all].sort().map((name) => ({ name })), names, ctx.paths.configDir).map((i) => i.name);
}

/**
 * The config directory's instances, after saying which files are not instances and what a
 * Debian legacy file holds that has no effect: nothing in the directory is passed over in silence.
 */
function instancesWithNotes(ctx: CommandContext): Instance[] {
  const { instances, skipped } = scanConfigDir(ctx.paths.configDir);
  for (const s of skipped) ctx.err(`note: skipped ${s.file}: ${s.reason}`);
  for (const instance of instances.filter((i) => i.kind === 'debian')) {
    try {
      for (const note of readLegacyFile(instance.file).notes) ctx.err(`note: ${instance.name} (${instance.file}): ${note}`);
    } catch {
      // A file that cannot be read is reported, with its conversion, by validation.
    }
  }
  return instances;
}

async function validOrReport(ctx: CommandContext, instances: readonly Instance[], consequence: string): Promise<boolean> {
  const checks = await validateInstances(instances, ctx.paths, ctx.env);
  if (checks.every((c) => c.problems.length === 0)) return true;
  ctx.err(formatInvalid(checks, consequence));
  return false;
}

export async function start(ctx: CommandContext, names: readonly string[], noted = false): Promise<number> {
  const instances = selectInstances(noted ? findInstances(ctx.paths.configDir) : instancesWithNotes(ctx), names, ctx.paths.configDir);
  if (instances.length === 0) {
    ctx.out(`no instance files in ${ctx.paths.configDir}`);
    return 0;
  }
  if (!(await validOrReport(ctx, instances, 'nothing was started'))) return 1;
  prepareDirectories(ctx);
  const outcomes = await Promise.all(instances.map((i) => startInstance(i, ctx.paths, ctx.env, ctx.timeoutMs)));
  return report(ctx, outcomes);
}

async function stopOne(ctx: CommandContext, name: string): Promise<Outcome> {
  const pidfile = pidfileOf(ctx.paths, name);
  const state = stateOf(pidfile);
  if (state.kind === 'stopped') return { name, ok: true, message: 'not running' };
  if (state.kind === 'stale') {
    removeFile(pidfile);
    return { name, ok: true, message: `not running (removed stale pidfile${state.pid === null ? '' : ` naming pid ${state.pid}`})` };
  }
  process.kill(state.pid, 'SIGTERM');
  if (!(await waitForExit(state.pid, ctx.timeoutMs))) {
    return { name, ok: false, message: `still running (pid ${state.pid}) ${ctx.timeoutMs / 1000} s after SIGTERM` };
  }
  // The master removes its own pidfile; remove it if it died without doing so.
  if (readPidfile(pidfile) === state.pid) removeFile(pidfile);
  return { name, ok: true, message: `stopped (pid ${state.pid})` };
}

export async function stop(ctx: CommandContext, names: readonly string[]): Promise<number> {
  const outcomes = await Promise.all(knownNames(ctx, names).map((name) => stopOne(ctx, name)));
  return report(ctx, outcomes);
}

export function reload(ctx: CommandContext, names: readonly string[]): number {
  const outcomes = knownNames(ctx, names).map((name): Outcome => {
    const state = stateOf(pidfileOf(ctx.paths, name));
    if (state.kind !== 'running') return { name, ok: false, message: `not reloaded: ${describeState(state)}` };
    process.kill(state.pid, 'SIGHUP');
    return { name, ok: true, message: `reloading (sent SIGHUP to pid ${state.pid})` };
  });
  return report(ctx, outcomes);
}

/** Validates first, so a broken file never turns a running instance into a stopped one. */
export async function restart(ctx: CommandContext, names: readonly string[]): Promise<number> {
  const instances = selectInstances(instancesWithNotes(ctx), names, ctx.paths.configDir);
  if (!(await validOrReport(ctx, instances, 'nothing was stopped or started'))) return 1;
  const selected = instances.map((i) => i.name);
  if (selected.length === 0) return start(ctx, [], true);
  const stopped = await stop(ctx, selected);
  if (stopped !== 0) return stopped;
  return start(ctx, selected, true);
}

/** The pidfile and error log directories, as the instances need them. */
function prepareDirectories(ctx: CommandContext): void {
  mkdirSync(ctx.paths.runDir, { recursive: true, mode: 0o755 });
  mkdirSync(ctx.paths.logDir, { recursive: true, mode: 0o755 });
}

/** For CI: the instance rules, then `gunicorn-ts --check-config` as each instance would run (the app must load). */
export async function check(ctx: CommandContext, names: readonly string[]): Promise<number> {
  const instances = selectInstances(instancesWithNotes(ctx), names, ctx.paths.configDir);
  if (!(await validOrReport(ctx, instances, 'not checked further'))) return 1;
  // The directories start creates: the check then sees what a start would (the preflight
  // refuses a pidfile or log file whose directory does not exist).
  prepareDirectories(ctx);
  const outcomes: Outcome[] = [];
  for (const instance of instances) {
    const args = [...gunicornArgs(instance, ctx.paths, { daemon: false }), '--check-config'];
    const result = await runForeground(args, ctx.paths.configDir, instanceEnv(ctx.env), ctx.timeoutMs);
    outcomes.push({ name: instance.name, ok: result.code === 0, message: result.code === 0 ? 'OK' : `invalid:\n    ${reason(result.output)}` });
  }
  return report(ctx, outcomes);
}

export function status(ctx: CommandContext, names: readonly string[]): number {
  let allRunning = true;
  for (const name of knownNames(ctx, names)) {
    const state = stateOf(pidfileOf(ctx.paths, name));
    if (state.kind !== 'running') allRunning = false;
    ctx.out(`${name}: ${describeState(state)}`);
  }
  return allRunning ? 0 : 3;
}

/** One instance in the foreground, in this process: what a systemd unit runs (LISTEN_FDS reach the master). */
export async function run(ctx: CommandContext, names: readonly string[]): Promise<number> {
  if (names.length !== 1) {
    ctx.err('run takes exactly one instance name');
    return 2;
  }
  const [instance] = selectInstances(findInstances(ctx.paths.configDir), names, ctx.paths.configDir);
  if (!(await validOrReport(ctx, [instance!], 'not started'))) return 1;
  prepareDirectories(ctx);
  const { main } = await import('../cli.js');
  return main({ argv: gunicornArgs(instance!, ctx.paths, { daemon: false }), env: instanceEnv(ctx.env), cwd: ctx.paths.configDir });
}

/** Prints the NAME.conf.ts equivalent to a Debian legacy instance file. */
export async function convert(ctx: CommandContext, names: readonly string[]): Promise<number> {
  if (names.length !== 1) {
    ctx.err('convert takes exactly one instance name');
    return 2;
  }
  const [instance] = selectInstances(findInstances(ctx.paths.configDir), names, ctx.paths.configDir);
  const { convertLegacyInstance } = await import('./convert.js');
  ctx.out(convertLegacyInstance(instance!).trimEnd());
  return 0;
}
