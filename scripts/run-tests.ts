// Runs every compiled test file with Node's built-in runner. Node 20 cannot expand globs
// itself, and its default discovery would also pick up compiled fixtures, so the list of
// *.test.js files is built here. Extra arguments filter by substring of the path.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const distRoot = fileURLToPath(new URL('..', import.meta.url));
const testRoot = join(distRoot, 'test');

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

const filters = process.argv.slice(2);
const files = findTests(testRoot).filter((f) => filters.length === 0 || filters.some((p) => relative(distRoot, f).includes(p)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// Process tests start servers; running files one at a time keeps a 2-core machine honest.
// No test may hang CI: each gets at most three minutes, then fails.
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=180000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
