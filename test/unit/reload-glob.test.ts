// reload_extra_files glob patterns as Gunicorn 26.1 reads them: `*` stays in one folder and
// skips dotfiles, `**` crosses folders, `?` and `[...]` match one character; the base folder
// and depth tell the watcher where to look.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, isGlobPattern } from '../../src/arbiter/reload-glob.js';

const CASES: ReadonlyArray<{ pattern: string; path: string; match: boolean }> = [
  { pattern: 'templates/*.html', path: '/srv/app/templates/index.html', match: true },
  { pattern: 'templates/*.html', path: '/srv/app/templates/mail/index.html', match: false },
  { pattern: 'templates/*.html', path: '/srv/app/templates/.hidden.html', match: false },
  { pattern: 'templates/**/*.html', path: '/srv/app/templates/index.html', match: true },
  { pattern: 'templates/**/*.html', path: '/srv/app/templates/a/b/c.html', match: true },
  { pattern: 'templates/**/*.html', path: '/srv/app/templates/.git/c.html', match: false },
  { pattern: 'conf/app-?.ini', path: '/srv/app/conf/app-1.ini', match: true },
  { pattern: 'conf/app-?.ini', path: '/srv/app/conf/app-12.ini', match: false },
  { pattern: 'conf/[ab].ini', path: '/srv/app/conf/b.ini', match: true },
  { pattern: 'conf/[!ab].ini', path: '/srv/app/conf/b.ini', match: false },
  { pattern: '/etc/app/*.json', path: '/etc/app/x.json', match: true },
  { pattern: 'data/**', path: '/srv/app/data/x/y.csv', match: true },
  { pattern: 'data/**', path: '/srv/app/data', match: false },
];

describe('reload_extra_files glob patterns', () => {
  for (const { pattern, path, match } of CASES) {
    it(`${pattern} ${match ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(compileGlob(pattern, '/srv/app').matches(path), match);
    });
  }

  it('watches from the deepest folder without a wildcard, as deep as the pattern can reach', () => {
    assert.deepEqual([compileGlob('templates/*.html', '/srv/app').base, compileGlob('templates/*.html', '/srv/app').depth], ['/srv/app/templates', 0]);
    assert.equal(compileGlob('a/*/b/*.txt', '/srv').depth, 2);
    assert.equal(compileGlob('a/**/x', '/srv').depth, Infinity);
  });

  it('only entries with *, ? or [ are patterns', () => {
    assert.deepEqual(['a.txt', 'a*.txt', 'a?.txt', 'a[1].txt'].map(isGlobPattern), [false, true, true, true]);
  });
});
