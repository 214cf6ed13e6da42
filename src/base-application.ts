// The public base class for programs that embed gunicorn-ts. The subclass supplies its
// settings (loadConfig) and its app (load); run() starts the arbiter in the program's own
// process and, in each worker, hands the app and its settings over (see app/embedded.ts).
// It sits at the top with cli.ts: both start the arbiter.
import { resolve } from 'node:path';
import type { GunicornConfig } from './config/public-types.js';
import type { LoadedConfig } from './config/load.js';
import { GunicornError } from './errors.js';
import { EMBEDDED_PREFIX, isEmbeddedWorker, registerEmbeddedApp, settingsByName } from './app/embedded.js';

export abstract class BaseApplication {
  /** The settings, by snake_case (or camelCase) name; only these and the defaults apply. */
  protected abstract loadConfig(): GunicornConfig | Promise<GunicornConfig>;

  /** The app: a request listener, a fetch handler, a Koa app or a Fastify instance. */
  protected abstract load(): unknown;

  /**
   * In the program: runs the arbiter until it stops and resolves with its exit status.
   * In a worker: registers the app and resolves at once (the worker serves it).
   */
  async run(): Promise<number> {
    if (isEmbeddedWorker()) {
      // The worker's hooks (post_worker_init, pre_request, ...) come from loadConfig() here.
      registerEmbeddedApp(await this.load(), settingsByName(await this.loadConfig()));
      return 0;
    }
    const script = process.argv[1];
    if (script === undefined) throw new GunicornError('GTS_ERR_USAGE', 'BaseApplication.run() needs a script file (process.argv[1])');
    const values = settingsByName(await this.loadConfig());
    values.set('app', `${EMBEDDED_PREFIX}${resolve(script)}`);
    // Loaded here only: a worker importing this program must not load the settings machinery.
    const { resolveLayers } = await import('./config/load.js');
    const { config, sources } = resolveLayers([{ source: { kind: 'file', file: `${this.constructor.name} (embedded)` }, values }]);
    const loaded: LoadedConfig = { config, sources, configFile: null, warnings: [] };
    const { runArbiter } = await import('./arbiter/run.js');
    return runArbiter(loaded, { argv: [], env: process.env, cwd: process.cwd() });
  }
}
