// Validates instance files before anything starts: the instance rules (app named, no
// setting the tool manages), then the whole configuration exactly as gunicorn-ts will
// resolve it, then that `chdir` exists. Every problem of every file is collected.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { readConfigFile } from '../config/sources/config-file.js';
import { parseArgv } from '../config/sources/argv.js';
import { legacyArgv, readLegacyFile } from './legacy.js';
import { parsePasteSpec, PasteError, readPasteServerSettings } from '../paste/index.js';
import { GunicornError } from '../errors.js';
import { gunicornArgs, instanceEnv } from './gunicorn-args.js';
import { MANAGED_SETTINGS } from './instance-rules.js';
import type { Instance } from './instances.js';
import type { DebianPaths } from './paths.js';

export interface InstanceCheck {
  readonly instance: Instance;
  /** Empty when the instance file is valid; otherwise messages naming the setting. */
  readonly problems: readonly string[];
}

async function ownValues(instance: Instance): Promise<ReadonlyMap<string, unknown>> {
  if (instance.kind === 'config') return readConfigFile(instance.file);
  if (instance.kind === 'debian') {
    // What its args set, APP_MODULE (or the paster INI) as `app`/`paste`.
    const parsed = parseArgv(legacyArgv(readLegacyFile(instance.file), instance.file), `${instance.file} args`);
    const values = new Map(parsed.values);
    if (parsed.appModule !== undefined) values.set('app', parsed.appModule);
    return values;
  }
  const server = readPasteServerSettings(parsePasteSpec(instance.file, '/'));
  return new Map(Object.entries(server.values));
}

/** The instance rules, checked on the values the file itself sets. */
export function ruleProblems(instance: Instance, values: ReadonlyMap<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [name, reason] of Object.entries(MANAGED_SETTINGS)) {
    if (values.has(name)) problems.push(`${name}: not allowed in an instance file (${reason}); remove it`);
  }
  const named = (key: string): boolean => typeof values.get(key) === 'string' && values.get(key) !== '';
  if (instance.kind === 'config' && !named('app') && !named('paste')) {
    problems.push('app: required in an instance file: the app to serve, e.g. app: "server.ts:app"');
  }
  if (instance.kind === 'debian' && !named('app') && !named('paste')) {
    problems.push("args: must end with the app to serve, e.g. 'server.ts:app' (or the INI file with mode 'paster')");
  }
  return problems;
}

function messageOf(err: unknown): string {
  if (err instanceof GunicornError || err instanceof PasteError) return err.message;
  throw err;
}

async function checkOne(instance: Instance, paths: DebianPaths, env: NodeJS.ProcessEnv): Promise<InstanceCheck> {
  let values: ReadonlyMap<string, unknown>;
  try {
    values = await ownValues(instance);
  } catch (err) {
    return { instance, problems: [messageOf(err)] };
  }
  const problems = ruleProblems(instance, values);
  if (problems.length > 0) return { instance, problems };
  try {
    const loaded = await loadConfig({ argv: gunicornArgs(instance, paths, { daemon: true }), env: instanceEnv(env), cwd: paths.configDir });
    if (loaded.kind !== 'config') return { instance, problems: ['the instance file must not ask for help or version'] };
    const chdir = loaded.config.chdir;
    if (typeof chdir === 'string' && chdir !== '' && !isDirectory(resolve(paths.configDir, chdir))) {
      problems.push(`chdir: ${JSON.stringify(chdir)} is not a directory`);
    }
  } catch (err) {
    problems.push(messageOf(err));
  }
  return { instance, problems };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Checks every instance (sequentially: each config file is evaluated, possibly running user code). */
export async function validateInstances(instances: readonly Instance[], paths: DebianPaths, env: NodeJS.ProcessEnv): Promise<InstanceCheck[]> {
  const checks: InstanceCheck[] = [];
  for (const instance of instances) checks.push(await checkOne(instance, paths, env));
  return checks;
}

/** The report printed when validation fails: each bad file with its problems. */
export function formatInvalid(checks: readonly InstanceCheck[], consequence: string): string {
  const bad = checks.filter((c) => c.problems.length > 0);
  const lines = [`${bad.length} of ${checks.length} instance files invalid; ${consequence}:`];
  for (const check of bad) {
    lines.push(`  ${check.instance.name} (${check.instance.file}):`);
    for (const problem of check.problems) lines.push(...problem.split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}
