// Checks a --paste file's `egg:` lines before anything starts (--check-config and a real
// start): each must name an entry point its package declares, so a worker never boots into
// an app that cannot be built. Follows `config:` to other INI files; loads no module.
import { resolve } from 'node:path';
import { resolveEggEntryPoint } from './egg.js';
import { readPasteFile } from './paste-file.js';
import { parseUse, type PasteSpec } from './spec.js';

/** Throws a PasteError naming the first section whose egg: entry point cannot be found. */
export function checkPasteEntryPoints(spec: PasteSpec): void {
  const pending = [spec.file];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const pf = readPasteFile(file, undefined, spec.globalConf);
    for (const section of pf.sections.keys()) {
      const kind = section.startsWith('app:') ? 'app_factory' : section.startsWith('filter:') ? 'filter_factory' : null;
      // Only egg: and config: lines matter here; other sections are checked when the app is built.
      if (kind === null || !/^\s*(egg|config):/.test(pf.sections.get(section)?.get('use') ?? '')) continue;
      const ctx = pf.context(section);
      const where = { file, section };
      const ref = parseUse(ctx.use, where);
      if (ref.scheme === 'egg') resolveEggEntryPoint(ref, file, kind, where);
      if (ref.scheme === 'config') pending.push(resolve(ctx.dir, ref.target));
    }
  }
}
