// Writes the files derived from the settings registry (JSON schema, man page, settings
// reference). With --check it writes nothing and exits 1 listing the stale files, for CI.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './generated-files.js';

// dist/scripts/gen.js → the repository root two levels up.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function current(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const stale: string[] = [];
  for (const [relative, content] of Object.entries(generatedFiles())) {
    const path = join(root, relative);
    if (current(path) === content) continue;
    stale.push(relative);
    if (!check) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(`Stale generated files (run npm run gen):\n${stale.map((f) => `  ${f}\n`).join('')}`);
    return 1;
  }
  process.stdout.write(stale.length === 0 ? 'Generated files are up to date.\n' : `Wrote ${stale.join(', ')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
