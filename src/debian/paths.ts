// Where gunicorn-ts-debian looks for instance files and puts each instance's pidfile and
// error log. The defaults follow Debian's layout; tests and packagers override all three.
import { join, resolve } from 'node:path';

export interface DebianPaths {
  /** Instance files, one per server: NAME.conf.ts, NAME.json, NAME.ini, ... */
  readonly configDir: string;
  /** NAME.pid for each running instance. */
  readonly runDir: string;
  /** NAME.log: each instance's error log. */
  readonly logDir: string;
}

export const DEFAULT_PATHS: DebianPaths = Object.freeze({
  configDir: '/etc/gunicorn.d',
  runDir: '/run/gunicorn-ts',
  logDir: '/var/log/gunicorn-ts',
});

export function resolvePaths(overrides: Partial<DebianPaths>, cwd: string): DebianPaths {
  return Object.freeze({
    configDir: resolve(cwd, overrides.configDir ?? DEFAULT_PATHS.configDir),
    runDir: resolve(cwd, overrides.runDir ?? DEFAULT_PATHS.runDir),
    logDir: resolve(cwd, overrides.logDir ?? DEFAULT_PATHS.logDir),
  });
}

export function pidfileOf(paths: DebianPaths, name: string): string {
  return join(paths.runDir, `${name}.pid`);
}

export function logfileOf(paths: DebianPaths, name: string): string {
  return join(paths.logDir, `${name}.log`);
}
