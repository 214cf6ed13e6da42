// --check-config: the configuration is valid and the app loads, without binding anything.
// Meant for CI: one line on success, the errors and exit 1 otherwise.
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { appSource } from '../app/app-source.js';

export async function checkConfig(loaded: LoadedConfig, cwd: string): Promise<string> {
  const source = appSource(loaded.config, cwd);
  await source.load();
  const from = loaded.configFile ? ` (config ${loaded.configFile})` : '';
  return `Config OK: app ${source.describe} loads${from}`;
}

export function resolveChdir(chdir: string | null, cwd: string): string {
  return chdir ? resolve(cwd, chdir) : cwd;
}
