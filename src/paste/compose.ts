// Builds a request listener from the app, filter, pipeline and composite sections of PasteDeploy
// INI files: follows `use` lines, pipelines and urlmap mounts (across files with `config:`),
// detecting cycles. Turning a loaded value into a listener is delegated to `toListener`.
import type { RequestListener } from 'node:http';
import { resolve } from 'node:path';
import type { EggKind } from './egg.js';
import { errorText, loadUseExport, type LoadedExport } from './load-export.js';
import { PasteError, type PasteErrorWhere } from './paste-error.js';
import { readPasteFile, type PasteFile, type SectionContext } from './paste-file.js';
import { parseUse } from './spec.js';
import { normalisePrefix, urlMap, type Mount } from './urlmap.js';

export type ToListener = (value: unknown, description: string) => Promise<RequestListener>;
type Filter = (app: RequestListener) => Promise<RequestListener>;

interface Build {
  toListener: ToListener;
  /** INI files read so far in this build, by absolute path. */
  files: Map<string, PasteFile>;
  /** raw_paste_global_conf, for every file of the build. */
  globals: Readonly<Record<string, string>>;
}

export async function composeApp(file: string, name: string, toListener: ToListener, globals: Readonly<Record<string, string>> = {}): Promise<RequestListener> {
  const build: Build = { toListener, files: new Map(), globals };
  return buildApp(build, openFile(build, file, { file }), name, { file }, []);
}

function openFile(build: Build, file: string, from: PasteErrorWhere): PasteFile {
  let pf = build.files.get(file);
  if (!pf) {
    pf = readPasteFile(file, from, build.globals);
    build.files.set(file, pf);
  }
  return pf;
}

/** `chain` is the path of sections being built, "file [section]", to report cycles. */
function enter(pf: PasteFile, section: string, from: PasteErrorWhere, chain: readonly string[]): string[] {
  const key = `${pf.file} [${section}]`;
  if (chain.includes(key)) throw new PasteError(from, `circular reference: ${[...chain, key].join(' -> ')}`);
  return [...chain, key];
}

async function buildApp(build: Build, pf: PasteFile, name: string, from: PasteErrorWhere, chain: readonly string[]): Promise<RequestListener> {
  const section = pf.findSection('app', name, from);
  const next = enter(pf, section, from, chain);
  const ctx = pf.context(section);
  if (section.startsWith('pipeline:')) return buildPipeline(build, pf, ctx, next);
  if (section.startsWith('composite:')) return buildComposite(build, pf, ctx, next);
  const where = { file: ctx.file, section, key: 'use' };
  const used = await followUse(build, ctx, where);
  if ('file' in used) return buildApp(build, used.file, used.name, where, next);
  return asListener(build, used.value, used.description, where);
}

async function buildFilter(build: Build, pf: PasteFile, name: string, from: PasteErrorWhere, chain: readonly string[]): Promise<Filter> {
  const section = pf.findSection('filter', name, from);
  const next = enter(pf, section, from, chain);
  const ctx = pf.context(section);
  const where = { file: ctx.file, section, key: 'use' };
  const used = await followUse(build, ctx, where, 'filter_factory');
  if ('file' in used) return buildFilter(build, used.file, used.name, where, next);
  const { value: filter, description } = used;
  if (typeof filter !== 'function') {
    throw new PasteError(where, `${description} is not a filter: expected a function (app) => app, found ${typeof filter}`);
  }
  return async (app) => {
    let wrapped: unknown;
    try {
      wrapped = await filter(app);
    } catch (err) {
      throw new PasteError(where, `filter ${description} threw: ${errorText(err)}`, { cause: err });
    }
    return asListener(build, wrapped, `what filter ${description} returned`, where);
  };
}

/**
 * What `use` points at: a section of another file (config:), or the loaded export (called,
 * for call: and for egg:'s entry points, which are factories as in PasteDeploy).
 */
async function followUse(build: Build, ctx: SectionContext, where: PasteErrorWhere, egg: EggKind = 'app_factory'): Promise<{ file: PasteFile; name: string } | LoadedExport> {
  const ref = parseUse(ctx.use, where);
  if (ref.scheme === 'config') return { file: openFile(build, resolve(ctx.dir, ref.target), where), name: ref.name ?? 'main' };
  const loaded = await loadUseExport(ref, ctx.file, ctx.dir, where, egg);
  const isFactory = ref.scheme === 'call' || ref.scheme === 'egg';
  return isFactory ? { value: await callFactory(loaded, ctx, where), description: loaded.description } : loaded;
}

/** `pipeline = filter1 filter2 app`: the request passes filter1, then filter2, then app. */
async function buildPipeline(build: Build, pf: PasteFile, ctx: SectionContext, chain: readonly string[]): Promise<RequestListener> {
  const where = { file: ctx.file, section: ctx.section, key: 'pipeline' };
  const names = (ctx.localConf.pipeline ?? '').split(/\s+/).filter((n) => n !== '');
  const appName = names.pop();
  if (appName === undefined) throw new PasteError(where, 'missing "pipeline = [filter ...] app"');
  const filters: Filter[] = [];
  for (const name of names) filters.push(await buildFilter(build, pf, name, where, chain));
  let app = await buildApp(build, pf, appName, where, chain);
  for (const filter of filters.reverse()) app = await filter(app);
  return app;
}

async function buildComposite(build: Build, pf: PasteFile, ctx: SectionContext, chain: readonly string[]): Promise<RequestListener> {
  const useWhere = { file: ctx.file, section: ctx.section, key: 'use' };
  const ref = parseUse(ctx.use, useWhere);
  if (ref.scheme !== 'egg' || ref.target.toLowerCase() !== 'paste' || ref.name !== 'urlmap') {
    throw new PasteError(useWhere, `unsupported composite "${ctx.use}": the only composite is egg:Paste#urlmap`);
  }
  const mounts: Mount[] = [];
  for (const [key, appName] of Object.entries(ctx.localConf)) {
    const where = { file: ctx.file, section: ctx.section, key };
    if (!key.startsWith('/')) throw new PasteError(where, 'urlmap keys are path prefixes and must start with "/"');
    const prefix = normalisePrefix(key);
    if (mounts.some((m) => m.prefix === prefix)) throw new PasteError(where, `prefix "${prefix || '/'}" is mounted twice`);
    mounts.push({ prefix, app: await buildApp(build, pf, appName.trim(), where, chain) });
  }
  if (mounts.length === 0) throw new PasteError(useWhere, 'urlmap mounts nothing: add "/prefix = app-name" lines');
  return urlMap(mounts);
}

/** PasteDeploy's call: scheme — `factory(globalConf, localConf)`, sync or async. */
async function callFactory(loaded: LoadedExport, ctx: SectionContext, where: PasteErrorWhere): Promise<unknown> {
  const factory = loaded.value;
  if (typeof factory !== 'function') {
    throw new PasteError(where, `call: needs a factory function, but ${loaded.description} is ${typeof factory}`);
  }
  try {
    return await factory({ ...ctx.globalConf }, { ...ctx.localConf });
  } catch (err) {
    throw new PasteError(where, `factory ${loaded.description} threw: ${errorText(err)}`, { cause: err });
  }
}

async function asListener(build: Build, value: unknown, description: string, where: PasteErrorWhere): Promise<RequestListener> {
  try {
    return await build.toListener(value, description);
  } catch (err) {
    if (err instanceof PasteError) throw err;
    throw new PasteError(where, errorText(err), { cause: err });
  }
}
