// The import graph of src/, read from the TypeScript sources: every static and dynamic
// `import` of a relative path or a package, and every `require('…')` of the CommonJS modules
// (.cts), type-only imports left out (they vanish at run time). Used by the layering test;
// `node dist/test/helpers/import-graph.js` prints the report (upward arrows, and what a
// worker process can load).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Modules by path relative to src/ (with .ts or .cts), each with what it imports: src paths or package names. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return (e.name.endsWith('.ts') || e.name.endsWith('.cts')) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `import x from`, `import { a } from`, `export { a } from`, `import('…')`, bare `import '…'`; not `import type` nor `typeof import('…')`. */
const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'|(?<!typeof )import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'/g;
/** What a CommonJS entry (.cts) loads: `require('…')`, and its bundle, `requireBundle(require.resolve('…'))`. */
const REQUIRE = /\brequire(?:\.resolve)?\(\s*'([^']+)'\s*\)/g;

function isTypeOnly(clause: string): boolean {
  const braces = /^\{([^}]*)\}$/.exec(clause.trim());
  if (braces === null) return false;
  const names = braces[1]!.split(',').map((n) => n.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier.startsWith('node:') ? specifier : specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  // A compiled name (.js, .cjs: a tsc output or the worker's bundle) stands for its source.
  const compiled = relative(SRC, resolve(dirname(file), specifier));
  const cts = compiled.replace(/\.c?js$/, '.cts');
  return existsSync(join(SRC, cts)) ? cts : compiled.replace(/\.c?js$/, '.ts');
}

export function importGraph(): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const imports = new Set<string>();
    for (const m of text.matchAll(IMPORT)) {
      const [, , typeKeyword, clause, fromSpec, dynamicSpec, bareSpec] = m;
      if (fromSpec !== undefined && (typeKeyword !== undefined || isTypeOnly(clause ?? ''))) continue;
      const spec = fromSpec ?? dynamicSpec ?? bareSpec;
      if (spec !== undefined) imports.add(target(file, spec));
    }
    if (file.endsWith('.cts')) for (const m of text.matchAll(REQUIRE)) imports.add(target(file, m[1]!));
    graph.set(relative(SRC, file), [...imports]);
  }
  return graph;
}

/**
 * The layers, lowest first. A module may import its own unit and any lower layer; an import
 * of a higher layer is an upward arrow. Units are folders (or single top-level files); the
 * arbiter's pure policy and its socket code sit low because metrics and status read them.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['ipc', 'errors.ts', 'version.ts', 'lazy-jiti.ts', 'node-features.ts', 'compile-cache.cts', 'native-import.cts', 'monotonic-clock.ts', 'missing-typings.ts', 'container'],
  ['paste', 'http', 'arbiter/policy', 'arbiter/sockets'],
  ['config', 'log'],
  ['app', 'metrics'],
  ['worker'],
  ['status', 'preflight'],
  ['arbiter'],
  ['commands', 'debian', 'cli.ts', 'base-application.ts', 'index.ts', 'bin'],
];

export function unitOf(module: string): string {
  for (const sub of ['arbiter/policy', 'arbiter/sockets']) if (module.startsWith(`${sub}/`)) return sub;
  return module.split('/')[0]!;
}

export function layerOf(module: string): number {
  const unit = unitOf(module);
  const index = LAYERS.findIndex((layer) => layer.includes(unit));
  if (index === -1) throw new Error(`${module}: its unit ${unit} is in no layer`);
  return index;
}

/** Imports that go from a lower layer to a higher one. */
export function upwardArrows(graph: ImportGraph): string[] {
  const arrows: string[] = [];
  for (const [from, imports] of graph) {
    for (const to of imports) {
      if (!graph.has(to)) continue; // packages and node: built-ins
      if (layerOf(to) > layerOf(from)) arrows.push(`${from} -> ${to}`);
    }
  }
  return arrows;
}

/** Everything `entry` can load, following static and dynamic imports (packages included, by name). */
export function reachable(graph: ImportGraph, entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const to of graph.get(next) ?? []) if (!seen.has(to)) queue.push(to);
  }
  return seen;
}

/** A cycle through `module`, as a path, or null. */
export function cycleThrough(graph: ImportGraph, module: string): string[] | null {
  const path: string[] = [];
  const visit = (at: string, seen: Set<string>): boolean => {
    for (const to of graph.get(at) ?? []) {
      if (to === module) return path.push(to), true;
      if (seen.has(to) || !graph.has(to)) continue;
      seen.add(to);
      path.push(to);
      if (visit(to, seen)) return true;
      path.pop();
    }
    return false;
  };
  return visit(module, new Set()) ? [module, ...path] : null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = importGraph();
  const arrows = upwardArrows(graph);
  process.stdout.write(`upward import arrows: ${arrows.length}\n${arrows.map((a) => `  ${a}\n`).join('')}`);
  const worker = [...reachable(graph, 'worker/main.cts')].sort();
  process.stdout.write(`modules a worker can load (${worker.length}):\n${worker.map((m) => `  ${m}\n`).join('')}`);
}
