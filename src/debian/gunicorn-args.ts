// How one instance is run: the gunicorn-ts command line and environment built from its
// instance file and the tool's directories. Validation and start use the same ones, so
// what was validated is exactly what starts.
import type { Instance } from './instances.js';
import { legacyArgv, readLegacyFile } from './legacy.js';
import { logfileOf, pidfileOf } from './paths.js';
import type { DebianPaths } from './paths.js';

export function gunicornArgs(instance: Instance, paths: DebianPaths, opts: { readonly daemon: boolean }): string[] {
  const source = instance.kind === 'paste' ? ['--paste', instance.file]
    : instance.kind === 'debian' ? legacyArgv(readLegacyFile(instance.file), instance.file)
    : ['-c', instance.file];
  return [
    ...source,
    ...(opts.daemon ? ['--daemon'] : []),
    '--pid', pidfileOf(paths, instance.name),
    '--error-logfile', logfileOf(paths, instance.name),
  ];
}

/**
 * The instance's environment: the tool's own minus GUNICORN_CMD_ARGS, which would otherwise
 * add the same options to every instance behind the files' backs. `raw_env` in the instance
 * file is how an instance sets its own variables.
 */
export function instanceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { GUNICORN_CMD_ARGS: _ignored, ...rest } = env;
  return rest;
}
