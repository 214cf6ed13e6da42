// docs/frameworks.md against the tested fixtures: every file it shows is the fixture byte for
// byte, every row of the framework matrix is shown with its command line, and nothing is shown
// that the matrix does not serve.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FRAMEWORK_FIXTURES, MATRIX } from '../process/frameworks-rows.js';

const DOC = readFileSync(fileURLToPath(new URL('../../../docs/frameworks.md', import.meta.url)), 'utf8');
const SHOWN = /<!-- fixture: (\S+) -->\n`\1`:\n\n```(?:ts|js)\n([\s\S]*?)```\n/g;

function shownFiles(): Map<string, string> {
  const shown = new Map<string, string>();
  for (const [, file, body] of DOC.matchAll(SHOWN)) shown.set(file!, body!);
  return shown;
}

describe('docs/frameworks.md shows the tested fixtures', () => {
  it('every file shown is its fixture, unchanged', () => {
    const shown = shownFiles();
    assert.ok(shown.size > 0);
    assert.equal(shown.size, (DOC.match(/<!-- fixture: /g) ?? []).length, 'every fixture marker is followed by its code block');
    for (const [file, body] of shown) assert.equal(body, readFileSync(FRAMEWORK_FIXTURES + file, 'utf8'), `${file} differs from its fixture`);
  });

  it('every matrix row is in the table and shown with its command line and files', () => {
    const shown = shownFiles();
    for (const row of MATRIX) {
      assert.ok(DOC.includes(`\`${row.appModule}\``), `${row.appModule} is not in the table`);
      assert.ok(DOC.includes(`gunicorn-ts -w 4 -b 127.0.0.1:8000 '${row.appModule}'`), `no command line for ${row.appModule}`);
      for (const file of row.files) assert.ok(shown.has(file), `${file} is not shown`);
    }
  });

  it('nothing is shown that the matrix does not test', () => {
    const tested = new Set(MATRIX.flatMap((row) => row.files));
    for (const file of shownFiles().keys()) assert.ok(tested.has(file), `${file} is shown but no matrix row serves it`);
  });
});
