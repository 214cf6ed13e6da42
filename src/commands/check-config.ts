// --check-config: the preflight a real start runs (so the two never disagree), then the app
// is loaded as a worker would load it, without binding anything. Meant for CI: one line on
// success, every problem and exit 1 otherwise.
import type { LoadedConfig } from '../config/load.js';
import { appSource } from '../app/app-source.js';
import { describeThrown } from '../app/errors.js';
import { GunicornError } from '../errors.js';
import { preflight } from '../preflight/preflight.js';

export async function checkConfig(loaded: LoadedConfig, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  await preflight(loaded, cwd, env);
  const source = appSource(loaded.config, cwd);
  try {
    await source.load();
  } catch (err) {
    if (err instanceof GunicornError) throw err;
    throw new GunicornError('GTS_ERR_APP_LOAD', `app ${source.describe} does not load: ${describeThrown(err)}`);
  }
  const from = loaded.configFile ? ` (config ${loaded.configFile})` : '';
  return `Config OK: app ${source.describe} loads${from}`;
}
