// The hooks that run in this worker, from where the arbiter said they are: the config file's
// text (read by the arbiter before any privilege drop, evaluated here as the worker's user),
// or the embedding program's BaseApplication, registered when the worker imported it again.
// Only the names the arbiter listed are taken; it validated them already.
import type { HookSource } from '../ipc/messages.js';
import type { HookFunction } from '../config/worker-config.js';

export async function workerHookFunctions(source: HookSource | null): Promise<Partial<Record<string, HookFunction>>> {
  if (source === null) return {};
  const values = source.from === 'embedded'
    ? (await import('../app/embedded.js')).embeddedSettings()
    : await (await import('../config/sources/config-file.js')).readConfigFile(source.file, source.text);
  const hooks: Partial<Record<string, HookFunction>> = {};
  for (const name of source.names) {
    const value = values.get(name);
    if (typeof value === 'function') hooks[name] = value as HookFunction;
  }
  return hooks;
}
