// Where the app comes from, decided once from the config: an APP_MODULE reference, or the
// app section of a --paste INI file. Used by --check-config, preload and the workers.
import { resolve } from 'node:path';
import type { RequestListener } from 'node:http';
import type { Config } from '../config/registry.js';
import { GunicornError } from '../errors.js';
import { loadApp } from './load-app.js';
import { toRequestListener } from './adapters/index.js';
import { checkPasteEntryPoints, loadPasteApp, parsePasteSpec, PasteError } from '../paste/index.js';
import { EMBEDDED_PREFIX, loadEmbeddedApp } from './embedded.js';
import { modulePaths } from './module-paths.js';

export { modulePaths };

export interface AppSource {
  /** For logs and messages: "app.ts:app" or "production.ini#main". */
  readonly describe: string;
  load(): Promise<RequestListener>;
}

/** The settings that say where the app comes from (the arbiter's Config and a worker's settings both have them). */
export type AppSettings = Pick<Config, 'app' | 'chdir' | 'pythonpath' | 'paste' | 'raw_paste_global_conf'>;

export function appSource(settings: AppSettings, cwd: string): AppSource {
  const workdir = settings.chdir ? resolve(cwd, settings.chdir) : cwd;
  const paths = modulePaths(settings.pythonpath, workdir);
  const app = settings.app;
  if (typeof app === 'string' && app.startsWith(EMBEDDED_PREFIX)) {
    const script = app.slice(EMBEDDED_PREFIX.length);
    return { describe: script, load: async () => toRequestListener(await loadEmbeddedApp(script), script) };
  }
  if (typeof app === 'string' && app !== '') {
    return { describe: app, load: () => loadApp(app, { cwd: workdir, modulePaths: paths }) };
  }
  const paste = settings.paste;
  if (typeof paste === 'string' && paste !== '') {
    const spec = pasteSpecOf(settings, paste, cwd);
    return { describe: paste, load: () => loadPasteApp(spec, { toListener: toRequestListener }) };
  }
  throw new GunicornError('GTS_ERR_USAGE', 'no application given: pass APP_MODULE (e.g. app.ts:app), set `app` in the config file, or use --paste FILE.ini');
}

function pasteSpecOf(settings: AppSettings, paste: string, cwd: string): ReturnType<typeof parsePasteSpec> {
  return parsePasteSpec(paste, cwd, settings.raw_paste_global_conf);
}

/**
 * Preflight (--check-config and a real start): every `egg:` line of a --paste file names an
 * entry point its package declares; otherwise startup stops here naming the section, rather
 * than with workers that cannot build the app.
 */
export function checkPasteEggs(config: AppSettings, cwd: string): void {
  const { paste, app } = config;
  if (paste === null || paste === '' || (app !== null && app !== '')) return;
  try {
    checkPasteEntryPoints(pasteSpecOf(config, paste, cwd));
  } catch (err) {
    if (err instanceof PasteError) throw new GunicornError('GTS_ERR_APP_LOAD', err.message);
    throw err;
  }
}
