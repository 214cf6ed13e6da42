// Workers cannot receive functions over IPC, so each worker reads the config file again and
// keeps only its server hooks. The values were validated by the arbiter already; a file that
// changed in between is caught again here.
import { readConfigFile } from './sources/config-file.js';
import { SETTINGS } from './registry.js';
import type { SettingDecl } from './setting.js';
import { checkValue } from './validate.js';
import { ConfigError } from '../errors.js';
import type { SettingProblem } from '../errors.js';

export type HookName = Extract<(typeof SETTINGS)[number], { hook: object }>['name'];
export type HookFunction = (...args: never[]) => unknown;

const HOOKS = (SETTINGS as readonly SettingDecl[]).filter((s) => s.hook !== undefined);

export async function loadHooks(configFile: string | null): Promise<Partial<Record<string, HookFunction>>> {
  if (configFile === null) return {};
  const values = await readConfigFile(configFile);
  const hooks: Partial<Record<string, HookFunction>> = {};
  const problems: SettingProblem[] = [];
  for (const decl of HOOKS) {
    const value = values.get(decl.name);
    if (value === undefined || value === null) continue;
    const checked = checkValue(decl, value, false);
    if (checked.ok) hooks[decl.name] = value as HookFunction;
    else problems.push({ setting: decl.name, source: configFile, value, expected: checked.expected });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return hooks;
}
