// What a HUP does with a newly read configuration, decided without I/O: the settings a
// running master cannot apply keep their running value (and are named in a warning), and
// everything else takes the new value. New workers receive the result; reload.ts applies
// the master's part of it (sockets, logger, pidfile, title).
import type { Config } from '../config/registry.js';

/** A setting HUP cannot apply, and why; `fix` says what does apply it. */
interface RestartOnly {
  readonly name: keyof Config;
  readonly why: string;
  readonly fix: 'USR2' | 'restart';
}

/**
 * Read once, when the master starts. Everything not listed here reaches the next
 * generation of workers (they receive the settings at spawn) or is applied by reload.ts.
 */
export const RESTART_ONLY: readonly RestartOnly[] = [
  { name: 'daemon', why: 'the master detaches from the terminal only when it starts', fix: 'restart' },
  { name: 'enable_stdio_inheritance', why: 'it only matters when the master daemonizes at start', fix: 'restart' },
  { name: 'user', why: 'the identity is checked at start and the files made for it (sockets, logs) keep their owner', fix: 'USR2' },
  { name: 'group', why: 'the identity is checked at start and the files made for it (sockets, logs) keep their owner', fix: 'USR2' },
  { name: 'metrics_bind', why: 'the metrics server starts with the master', fix: 'USR2' },
  { name: 'control_socket', why: 'the control socket is opened when the master starts', fix: 'USR2' },
  { name: 'reload', why: 'the file watcher starts with the master', fix: 'USR2' },
  { name: 'reload_extra_files', why: 'the file watcher starts with the master', fix: 'USR2' },
];

export interface KeptSetting {
  readonly name: string;
  readonly running: unknown;
  readonly wanted: unknown;
  /** The whole warning line. */
  readonly message: string;
}

export interface ReloadPlan {
  /** The configuration in force after the reload. */
  readonly config: Config;
  readonly kept: readonly KeptSetting[];
}

type Overrides = { -readonly [K in keyof Config]?: Config[K] };

function copySetting<K extends keyof Config>(to: Overrides, from: Config, name: K): void {
  to[name] = from[name];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}

/**
 * `bindFollows` false: the sockets came from systemd, so `bind` is not the master's to change
 * (as at start, where it is ignored then).
 */
export function planReload(running: Config, next: Config, bindFollows = true): ReloadPlan {
  const rules: RestartOnly[] = [...RESTART_ONLY];
  if (!bindFollows) rules.push({ name: 'bind', why: 'the sockets come from systemd socket activation (change the .socket unit)', fix: 'restart' });
  const kept: KeptSetting[] = [];
  const runningValues: Overrides = {};
  for (const rule of rules) {
    if (same(running[rule.name], next[rule.name])) continue;
    copySetting(runningValues, running, rule.name);
    const how = rule.fix === 'USR2' ? 'USR2 (a new master) applies it' : 'a restart applies it';
    kept.push({
      name: rule.name,
      running: running[rule.name],
      wanted: next[rule.name],
      message: `Reload cannot apply ${rule.name} (${describe(running[rule.name])} → ${describe(next[rule.name])}): ${rule.why}; `
        + `it keeps ${describe(running[rule.name])}, ${how}`,
    });
  }
  return { config: Object.freeze({ ...next, ...runningValues }), kept };
}
