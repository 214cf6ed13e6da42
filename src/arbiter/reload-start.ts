// Starts the `reload` watcher from the settings: the app's entry file (or Paste INI file) at
// first, each worker's loaded modules as they report them, and `reload_extra_files` (literal
// files and glob patterns). The files the server itself writes are passed as ignored.
import { dirname, resolve } from 'node:path';
import { EMBEDDED_PREFIX } from '../app/embedded.js';
import { compileGlob, isGlobPattern } from './reload-glob.js';
import { ReloadWatch } from './reload-watch.js';

/** The settings the arbiter passes; structural, so this module needs no Config type. */
export interface ReloadSettings {
  readonly app: string | null;
  readonly paste: string | null;
  readonly chdir: string | null;
  readonly pythonpath: string | null;
  readonly reload_extra_files: readonly string[];
  readonly errorlog: string;
  readonly accesslog: string | null;
  readonly pidfile: string | null;
  readonly bind: readonly string[];
  readonly worker_tmp_dir: string | null;
}

export interface ReloadLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warning(msg: string): void;
}

/**
 * The file APP_MODULE names, resolved as the worker resolves it, so a first worker that fails
 * to boot is still reloaded when its entry file is fixed; null when it cannot be found yet.
 */
async function appEntryFile(app: string | null, workdir: string, modulePaths: readonly string[]): Promise<string | null> {
  if (app === null || app === '') return null;
  if (app.startsWith(EMBEDDED_PREFIX)) return app.slice(EMBEDDED_PREFIX.length);
  try {
    const [{ parseAppRef }, { resolveAppModule }] = await Promise.all([import('../app/app-ref.js'), import('../app/resolve-module.js')]);
    return await resolveAppModule(parseAppRef(app).module, { cwd: workdir, modulePaths });
  } catch {
    return null;
  }
}

/** Files the server writes (logs, pidfile and its .oldbin, Unix sockets): a change there is never the app's. */
export function serverWrittenFiles(config: ReloadSettings, dirs: readonly string[]): Set<string> {
  const paths: string[] = [];
  if (config.errorlog !== '-') paths.push(config.errorlog);
  if (config.accesslog !== null && config.accesslog !== '-') paths.push(config.accesslog);
  if (config.pidfile !== null) paths.push(config.pidfile, `${config.pidfile}.oldbin`, `${config.pidfile}.ctl`);
  for (const b of config.bind) if (b.startsWith('unix:')) paths.push(b.slice('unix:'.length));
  const out = new Set<string>();
  for (const p of paths) for (const dir of dirs) out.add(resolve(dir, p));
  return out;
}

export interface ReloadStartOptions {
  readonly cwd: string;
  readonly log: ReloadLog;
  /** More files the server writes (the control socket), resolved already. */
  readonly alsoIgnored?: readonly string[];
  readonly reload: () => void;
}

/** Watches what `reload` covers and calls `reload` once per burst of changes. */
export async function startReloadWatch(config: ReloadSettings, opts: ReloadStartOptions): Promise<ReloadWatch> {
  const { cwd, log } = opts;
  const workdir = config.chdir ? resolve(cwd, config.chdir) : cwd;
  const modulePaths = (config.pythonpath ?? '').split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolve(workdir, p));
  const entry = await appEntryFile(config.app, workdir, modulePaths);
  const paste = config.paste === null ? null : resolve(cwd, config.paste.replace(/^config:/, '').replace(/#.*$/, ''));
  // Patterns are relative to the directory the server was started from (Gunicorn 26.1).
  const extra = config.reload_extra_files;
  const ignored = serverWrittenFiles(config, [cwd, workdir]);
  for (const p of opts.alsoIgnored ?? []) ignored.add(p);
  const watch = new ReloadWatch({
    files: [...(entry ? [entry] : []), ...(paste ? [paste] : []), ...extra.filter((f) => !isGlobPattern(f)).map((f) => resolve(cwd, f))],
    patterns: extra.filter(isGlobPattern).map((p) => compileGlob(p, cwd)),
    ignored,
    onChange: (file) => {
      log.info(`Reloading: ${file} changed`);
      opts.reload();
    },
    onWarning: (message) => log.warning(message),
  });
  log.info(`Watching for changes: ${entry ? dirname(entry) : workdir}`, { files: watch.fileCount, dirs: watch.dirCount });
  return watch;
}
