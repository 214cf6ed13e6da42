// What a worker receives of the configuration: every setting but the server hooks (functions
// cannot cross IPC), typed from the registry. The arbiter builds it with workerConfig(); a
// worker imports only the types, so no worker ever loads the registry, ajv or yargs.
import { SETTINGS } from './registry.js';
import type { Config } from './registry.js';
import type { SettingDecl } from './setting.js';

type Decl = (typeof SETTINGS)[number];
export type HookName = Extract<Decl, { hook: object }>['name'];
/** The resolved settings a worker acts on: the Config minus its hooks. */
export type WorkerConfig = Omit<Config, HookName>;
export type HookFunction = (...args: never[]) => unknown;

const HOOKS = (SETTINGS as readonly SettingDecl[]).filter((s) => s.hook !== undefined);
const HOOK_NAMES = new Set(HOOKS.map((s) => s.name));
/** Hooks that run in workers (post_worker_init, pre_request, ...), from their declarations. */
export const WORKER_HOOK_NAMES: readonly string[] = HOOKS.filter((s) => s.hook?.runsIn === 'worker').map((s) => s.name);

export function workerConfig(config: Config): WorkerConfig {
  const out: Partial<Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(config)) if (!HOOK_NAMES.has(name)) out[name] = value;
  return out as WorkerConfig;
}
