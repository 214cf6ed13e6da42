import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePasteIni } from '../../src/paste/ini-text.js';
import { PasteError } from '../../src/paste/paste-error.js';

const parse = (text: string) => parsePasteIni(text, '/etc/app.ini');
const section = (text: string, name: string) => Object.fromEntries(parse(text).get(name) ?? []);

describe('paste INI reading', () => {
  it('keeps section names with colons and dots flat (ini alone would nest dots)', () => {
    const sections = parse('[app:api.v1]\nuse = x\n[filter:a.b.c]\nuse = y\n');
    assert.deepEqual([...sections.keys()], ['app:api.v1', 'filter:a.b.c']);
  });

  it('accepts "key: value" and splits at the first separator', () => {
    assert.deepEqual(section('[app:main]\nlabel: blue\nurl = http://x:1\nuse: egg:pkg#main\n', 'app:main'),
      { label: 'blue', url: 'http://x:1', use: 'egg:pkg#main' });
  });

  it('joins indented continuation lines with newlines', () => {
    assert.equal(section('[pipeline:main]\npipeline = a\n    b\n\tc\nnext = 1\n', 'pipeline:main').pipeline, 'a\nb\nc');
    assert.equal(section('[x]\nlist =\n  one\n  two\n', 'x').list, 'one\ntwo');
  });

  it('keeps # and ; inside values, where ini would strip an inline comment', () => {
    assert.deepEqual(section('[app:main]\nuse = file:./app.ts#app\nsql = a;b\n', 'app:main'),
      { use: 'file:./app.ts#app', sql: 'a;b' });
  });

  it('keeps every value a string, including true, false, null and quotes', () => {
    assert.deepEqual(section('[x]\na = true\nb = false\nc = null\nd = "quoted"\ne = [1]\n', 'x'),
      { a: 'true', b: 'false', c: 'null', d: '"quoted"', e: '[1]' });
  });

  it('skips full-line comments (also indented ones) and blank lines', () => {
    assert.deepEqual(section('# top\n[x]\n; note\na = 1\n  # indented\n\nb = 2\n', 'x'), { a: '1', b: '2' });
  });

  it('reads [DEFAULT] as a section and keeps key case', () => {
    assert.deepEqual(section('[DEFAULT]\nDebug = true\n', 'DEFAULT'), { Debug: 'true' });
  });

  it('rejects a key before any section, naming the file and line', () => {
    assert.throws(() => parse('a = 1\n[x]\n'), (err: unknown) =>
      err instanceof PasteError && err.file === '/etc/app.ini' && /line 1/.test(err.message) && /before any \[section\]/.test(err.message));
  });

  it('rejects a line with no separator, naming section and line', () => {
    assert.throws(() => parse('[app:main]\nuse = x\njust words\n'), (err: unknown) =>
      err instanceof PasteError && err.section === 'app:main' && err.key === 'line 3');
  });
});
