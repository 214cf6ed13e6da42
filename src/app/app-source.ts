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

export interface AppSource {
  /** For logs and messages: "app.ts:app" or "production.ini#main". */
  readonly describe: string;
  load(): Promise<RequestListener>;
}

export function modulePaths(pythonpath: string | null, cwd: string): string[] {
  if (!pythonpath) return [];
  return pythonpath.split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolve(cwd, p));
}

export function appSource(config: Config, cwd: string): AppSource {
  const settings = config as unknown as Record<string, unknown>;
  const workdir = typeof settings['chdir'] === 'string' && settings['chdir'] ? resolve(cwd, settings['chdir']) : cwd;
  const paths = modulePaths((settings['pythonpath'] as string | null) ?? null, workdir);
  const app = settings['app'];
  if (typeof app === 'string' && app.startsWith(EMBEDDED_PREFIX)) {
    const script = app.slice(EMBEDDED_PREFIX.length);
    return { describe: script, load: async () => toRequestListener(await loadEmbeddedApp(script), script) };
  }
  if (typeof app === 'string' && app !== '') {
    return { describe: app, load: () => loadApp(app, { cwd: workdir, modulePaths: paths }) };
  }
  const paste = settings['paste'];
  if (typeof paste === 'string' && paste !== '') {
    const spec = pasteSpecOf(settings, paste, cwd);
    return { describe: paste, load: () => loadPasteApp(spec, { toListener: toRequestListener }) };
  }
  throw new GunicornError('GTS_ERR_USAGE', 'no application given: pass APP_MODULE (e.g. app.ts:app), set `app` in the config file, or use --paste FILE.ini');
}

function pasteSpecOf(settings: Readonly<Record<string, unknown>>, paste: string, cwd: string): ReturnType<typeof parsePasteSpec> {
  return parsePasteSpec(paste, cwd, (settings['raw_paste_global_conf'] as readonly string[] | undefined) ?? []);
}

/**
 * Preflight (--check-config and a real start): every `egg:` line of a --paste file names an
 * entry point its package declares; otherwise startup stops here naming the section, rather
 * than with workers that cannot build the app.
 */
export function checkPasteEggs(config: Config, cwd: string): void {
  const settings = config as unknown as Record<string, unknown>;
  const paste = settings['paste'];
  if (typeof paste !== 'string' || paste === '' || (typeof settings['app'] === 'string' && settings['app'] !== '')) return;
  try {
    checkPasteEntryPoints(pasteSpecOf(settings, paste, cwd));
  } catch (err) {
    if (err instanceof PasteError) throw new GunicornError('GTS_ERR_APP_LOAD', err.message);
    throw err;
  }
}
