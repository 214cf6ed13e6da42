// The checked-in derived files (JSON schema, man page, settings reference) must equal what
// the registry renders now; otherwise someone changed a declaration without `npm run gen`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generatedFiles } from '../../scripts/generated-files.js';

const root = new URL('../../../', import.meta.url);

describe('generated files', () => {
  for (const [path, expected] of Object.entries(generatedFiles())) {
    it(`${path} is up to date`, () => {
      const actual = readFileSync(new URL(path, root), 'utf8');
      assert.ok(actual === expected, `${path} is stale: run npm run gen`);
    });

    it(`${path} starts with the do-not-edit note`, () => {
      assert.match(expected.split('\n').slice(0, 3).join('\n'), /Generated from src\/(config\/settings|arbiter\/signals\.ts) -?[—-] do not edit/);
    });
  }

  it('renders the same text twice (no dates, no randomness)', () => {
    assert.deepEqual(generatedFiles(), generatedFiles());
  });
});
