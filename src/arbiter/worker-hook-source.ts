// Where the workers find the hooks that run in them (post_worker_init, pre_request,
// post_request, worker_int, worker_abort). Functions cannot cross IPC: a config file's hooks
// travel as the file's text, read by the arbiter at load time with the privileges it was
// started with (as Gunicorn reads its config before forking); an embedding program's hooks
// are registered again by the program itself when a worker imports it.
import { EMBEDDED_PREFIX } from '../app/embedded.js';
import type { LoadedConfig } from '../config/load.js';
import { WORKER_HOOK_NAMES } from '../config/worker-config.js';
import type { HookSource } from '../ipc/messages.js';

export function workerHookSource(loaded: LoadedConfig): HookSource | null {
  const settings: Readonly<Record<string, unknown>> = loaded.config;
  const names = WORKER_HOOK_NAMES.filter((name) => typeof settings[name] === 'function');
  if (names.length === 0) return null;
  if (loaded.config.app?.startsWith(EMBEDDED_PREFIX)) return { from: 'embedded', names };
  if (loaded.configFile === null || loaded.configText === undefined) return null;
  return { from: 'config-text', names, file: loaded.configFile, text: loaded.configText };
}
