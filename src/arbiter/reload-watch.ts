// `reload` (development): watches the files the app's workers actually loaded (they report
// them over IPC), `reload_extra_files` and its glob patterns, and calls back once per burst
// of changes. Runs in the arbiter, which answers with a HUP-style reload, so no worker
// watches anything. Files the server writes itself (logs, pidfile, sockets) never count.
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { GlobPattern } from './reload-glob.js';

/** Editors write bursts (temp file, rename, chmod, touch): one reload per burst, once it is quiet this long. */
export const DEBOUNCE_MS = 300;
/** A burst that never goes quiet (a file rewritten in a loop) still reloads this long after it began. */
const MAX_DELAY_MS = 1000;
/** More directories than this is not an app's sources; stop adding watchers rather than exhaust inotify. */
const MAX_DIRS = 2000;

export interface ReloadWatchOptions {
  /** Single files (the app entry, reload_extra_files), watched through their directory so editors' renames are seen. */
  readonly files: readonly string[];
  /** reload_extra_files entries that are glob patterns, re-matched on every change. */
  readonly patterns: readonly GlobPattern[];
  /** Absolute paths the server itself writes: never a reason to reload. */
  readonly ignored: ReadonlySet<string>;
  readonly onChange: (file: string) => void;
  readonly onWarning?: (message: string) => void;
  readonly debounceMs?: number;
}

interface WatchedDir {
  readonly watcher: FSWatcher | null;
  /** Names of the files watched here. */
  readonly names: Set<string>;
  readonly patterns: Set<GlobPattern>;
}

/** Editor droppings (`.x.swp`, `x~`, vim's `4913`) never trigger a reload through a pattern. */
function editorDropping(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || /^\d+$/.test(name);
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

export class ReloadWatch {
  private readonly dirs = new Map<string, WatchedDir>();
  private timer: NodeJS.Timeout | undefined;
  private changed: string | undefined;
  private burstStart = 0;
  private warnedFull = false;
  private closed = false;

  constructor(private readonly opts: ReloadWatchOptions) {
    this.add(opts.files);
    for (const pattern of opts.patterns) this.walkPattern(pattern, pattern.base, 0);
  }

  /** Files watched one by one (loaded modules and extra files). */
  get fileCount(): number {
    let n = 0;
    for (const d of this.dirs.values()) n += d.names.size;
    return n;
  }

  /** Directories with a watcher, for logs and tests. */
  get dirCount(): number {
    return this.dirs.size;
  }

  /** Adds files to watch (a worker's loaded modules); returns how many were new. */
  add(files: Iterable<string>): number {
    let added = 0;
    for (const file of files) {
      const path = resolve(file);
      if (this.opts.ignored.has(path)) continue;
      const dir = this.dir(dirname(path));
      if (dir === null || dir.names.has(basename(path))) continue;
      dir.names.add(basename(path));
      added++;
    }
    return added;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const d of this.dirs.values()) d.watcher?.close();
    this.dirs.clear();
  }

  private walkPattern(pattern: GlobPattern, dir: string, level: number): void {
    const watched = this.dir(dir);
    if (watched === null || watched.patterns.has(pattern)) return;
    watched.patterns.add(pattern);
    if (level < pattern.depth) for (const sub of subdirectories(dir)) this.walkPattern(pattern, sub, level + 1);
  }

  private dir(path: string): WatchedDir | null {
    const existing = this.dirs.get(path);
    if (existing) return existing;
    if (this.dirs.size >= MAX_DIRS) {
      if (!this.warnedFull) this.opts.onWarning?.(`reload: watching only the first ${MAX_DIRS} directories`);
      this.warnedFull = true;
      return null;
    }
    const entry: WatchedDir = { watcher: this.open(path), names: new Set(), patterns: new Set() };
    this.dirs.set(path, entry);
    return entry;
  }

  private open(path: string): FSWatcher | null {
    try {
      const watcher = watch(path, (event, name) => this.onEvent(path, event, name?.toString()));
      watcher.on('error', () => watcher.close());
      return watcher;
    } catch (err) {
      // A directory that does not exist yet (an extra file's folder) is not an error.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.onWarning?.(`reload: cannot watch ${path}: ${(err as Error).message}`);
      return null;
    }
  }

  private onEvent(dir: string, event: string, name: string | undefined): void {
    const entry = this.dirs.get(dir);
    if (name === undefined || entry === undefined || this.closed) return;
    const path = join(dir, name);
    if (this.opts.ignored.has(path)) return;
    if (entry.names.has(name)) return this.fire(path);
    if (entry.patterns.size === 0 || editorDropping(name)) return;
    // A new directory under a pattern is walked, so files created later in it count too.
    if (event === 'rename') this.maybeNewDirectory(entry, path);
    for (const pattern of entry.patterns) if (pattern.matches(path)) return this.fire(path);
  }

  private maybeNewDirectory(entry: WatchedDir, path: string): void {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      return;
    }
    if (!isDir) return;
    for (const pattern of entry.patterns) if (pattern.depth > 0) this.walkPattern(pattern, path, 0);
  }

  private fire(path: string): void {
    const now = Date.now();
    if (this.changed === undefined) {
      this.changed = path;
      this.burstStart = now;
    }
    clearTimeout(this.timer);
    const quiet = this.opts.debounceMs ?? DEBOUNCE_MS;
    const wait = Math.max(0, Math.min(quiet, this.burstStart + Math.max(quiet, MAX_DELAY_MS) - now));
    this.timer = setTimeout(() => {
      const first = this.changed!;
      this.changed = undefined;
      this.opts.onChange(first);
    }, wait);
  }
}
