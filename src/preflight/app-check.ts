// The preflight's look at the app: one is given (APP_MODULE, `app` or --paste), its
// reference parses, and its module can be found. The module is not imported here: a real
// start loads it in the workers (or once in the arbiter with preload_app), and
// --check-config loads it after the preflight passed.
import { resolve } from 'node:path';
import type { Config } from '../config/registry.js';
import { closestName } from '../config/suggest.js';
import { EMBEDDED_PREFIX } from '../app/embedded.js';

/** What the command line accepts besides APP_MODULE, for a mistyped subcommand. */
const SUBCOMMANDS = ['status'];

export interface AppProblem {
  readonly setting: 'app';
  readonly problem: string;
}

function subcommandHint(app: string): string {
  if (/[./:]/.test(app)) return '';
  const near = closestName(app, SUBCOMMANDS);
  return near === undefined ? '' : ` (did you mean the subcommand \`gunicorn-ts ${near}\`?)`;
}

export async function appProblem(config: Config, cwd: string): Promise<AppProblem | null> {
  const app = config.app;
  if (app === null || app === '') {
    if (config.paste !== null && config.paste !== '') return null; // its INI file was read already
    return { setting: 'app', problem: 'no application given: pass APP_MODULE (e.g. app.ts:app), set `app` in the config file, or use --paste FILE.ini' };
  }
  if (app.startsWith(EMBEDDED_PREFIX)) return null; // the embedding program itself
  const [{ parseAppRef }, { resolveAppModule }, { modulePaths }] = await Promise.all([
    import('../app/app-ref.js'), import('../app/resolve-module.js'), import('../app/module-paths.js'),
  ]);
  const workdir = config.chdir ? resolve(cwd, config.chdir) : cwd;
  try {
    const ref = parseAppRef(app);
    await resolveAppModule(ref.module, { cwd: workdir, modulePaths: modulePaths(config.pythonpath, workdir) });
    return null;
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    return { setting: 'app', problem: `${err.message}${subcommandHint(app)}` };
  }
}
