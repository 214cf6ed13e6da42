// --check-config: the configuration is valid and the app loads, without binding anything.
// Meant for CI: one line on success, the errors and exit 1 otherwise.
import type { LoadedConfig } from '../config/load.js';
import { appSource, checkPasteEggs } from '../app/app-source.js';
import { describeThrown } from '../app/errors.js';
import { GunicornError } from '../errors.js';
import { validateEdgeSettings } from '../http/index.js';
import { validateMetricsBind } from '../metrics/index.js';

export async function checkConfig(loaded: LoadedConfig, cwd: string): Promise<string> {
  // HTTP edge (issue 4): TLS files readable and usable, allow lists and limits valid.
  validateEdgeSettings(loaded.config as unknown as Record<string, unknown>);
  // metrics (issue 8): metrics_bind parses and is not an app bind address.
  validateMetricsBind(loaded.config.metrics_bind, loaded.config.bind, cwd);
  // paste: egg: lines name declared entry points (the same check a start makes).
  checkPasteEggs(loaded.config, cwd);
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
