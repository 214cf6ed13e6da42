// `reload` (development): watches the app's source tree and `reload_extra_files`, and calls
// back once per burst of changes. It runs in the arbiter, which answers with a HUP-style
// reload (new generation, old workers replaced by the restart policy), so the workers that
// load the new code are fresh processes and no worker watches anything itself.
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EMBEDDED_PREFIX } from '../app/embedded.js';

/** Editors write bursts (temp file, rename, chmod): one reload per burst. */
const DEBOUNCE_MS = 150;
/** A tree this large is not an app's sources; stop adding watchers rather than exhaust inotify. */
const MAX_DIRS = 2000;

export interface ReloadWatchOptions {
  /** Directories watched with their subdirectories (node_modules and dot-directories left out). */
  readonly roots: readonly string[];
  /** Single files (reload_extra_files), watched through their directory so editors' renames are seen. */
  readonly files: readonly string[];
  readonly onChange: (file: string) => void;
  readonly onWarning?: (message: string) => void;
}

export interface ReloadWatch {
  /** Directories being watched, for logs and tests. */
  readonly dirs: readonly string[];
  close(): void;
}

function skipped(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

/** Editor droppings (`.x.swp`, `x~`, `4913`) never trigger a reload. */
function ignoredFile(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || /^\d+$/.test(name);
}

function walk(root: string, out: Set<string>): void {
  if (out.size >= MAX_DIRS || out.has(root)) return;
  out.add(root);
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory() && !skipped(entry.name)) walk(join(root, entry.name), out);
}

export function watchForReload(opts: ReloadWatchOptions): ReloadWatch {
  const dirs = new Set<string>();
  for (const root of opts.roots) walk(resolve(root), dirs);
  if (dirs.size >= MAX_DIRS) opts.onWarning?.(`reload: watching only the first ${MAX_DIRS} directories under ${opts.roots.join(', ')}`);
  /** Directory → the only names that matter there (extra files), or null for every name. */
  const filters = new Map<string, Set<string> | null>([...dirs].map((d) => [d, null]));
  for (const file of opts.files.map((f) => resolve(f))) {
    const dir = dirname(file);
    const names = filters.get(dir);
    if (names === undefined) filters.set(dir, new Set([basename(file)]));
    else names?.add(basename(file));
  }
  let timer: NodeJS.Timeout | undefined;
  let changed: string | undefined;
  const fire = (file: string): void => {
    changed ??= file;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const first = changed!;
      changed = undefined;
      opts.onChange(first);
    }, DEBOUNCE_MS);
  };
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of filters) {
    try {
      const watcher = watch(dir, (_event, name) => {
        const file = name?.toString();
        if (file === undefined || ignoredFile(file) || (names !== null && !names.has(file))) return;
        fire(join(dir, file));
      });
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch (err) {
      opts.onWarning?.(`reload: cannot watch ${dir}: ${(err as Error).message}`);
    }
  }
  return {
    dirs: [...filters.keys()],
    close: () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}

/**
 * The directory of the app module (APP_MODULE, or the embedding script), resolved the way the
 * worker resolves it; the working directory for --paste or a module that cannot be found yet.
 */
export async function appSourceRoot(app: string | null, workdir: string, modulePaths: readonly string[]): Promise<string> {
  if (app === null || app === '') return workdir;
  if (app.startsWith(EMBEDDED_PREFIX)) return dirname(app.slice(EMBEDDED_PREFIX.length));
  try {
    const [{ parseAppRef }, { resolveAppModule }] = await Promise.all([import('../app/app-ref.js'), import('../app/resolve-module.js')]);
    const file = await resolveAppModule(parseAppRef(app).module, { cwd: workdir, modulePaths });
    return file.includes('/node_modules/') ? workdir : dirname(file);
  } catch {
    return workdir;
  }
}

/** The settings and log the arbiter passes; structural so this module needs no arbiter types. */
interface ReloadSettings {
  readonly app: string | null;
  readonly chdir: string | null;
  readonly pythonpath: string | null;
  readonly reload_extra_files: readonly string[];
}
interface ReloadLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warning(msg: string): void;
}

/** Watches what `reload` covers and calls `reload` once per burst of changes. */
export async function startReloadWatch(config: ReloadSettings, cwd: string, log: ReloadLog, reload: () => void): Promise<ReloadWatch> {
  const workdir = config.chdir ? resolve(cwd, config.chdir) : cwd;
  const modulePaths = (config.pythonpath ?? '').split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolve(workdir, p));
  const root = await appSourceRoot(config.app, workdir, modulePaths);
  const watcher = watchForReload({
    roots: [root],
    files: config.reload_extra_files.map((f) => resolve(workdir, f)),
    onChange: (file) => {
      log.info(`Reloading: ${file} changed`);
      reload();
    },
    onWarning: (message) => log.warning(message),
  });
  log.info(`Watching for changes: ${root}`, { dirs: watcher.dirs.length });
  return watcher;
}
