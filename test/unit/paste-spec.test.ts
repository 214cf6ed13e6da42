import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePasteSpec, parseUse } from '../../src/paste/spec.js';
import { PasteError } from '../../src/paste/paste-error.js';

describe('paste spec: FILE[#NAME]', () => {
  it('resolves the file against cwd and defaults the name to main', () => {
    assert.deepEqual(parsePasteSpec('production.ini', '/srv/site'), { file: '/srv/site/production.ini', name: 'main' });
  });

  it('selects a section with #NAME and keeps absolute paths', () => {
    assert.deepEqual(parsePasteSpec('/etc/app/production.ini#admin', '/srv'), { file: '/etc/app/production.ini', name: 'admin' });
    assert.deepEqual(parsePasteSpec('config:../p.ini#api', '/srv/site'), { file: '/srv/p.ini', name: 'api' });
  });

  it('rejects an empty file part', () => {
    assert.throws(() => parsePasteSpec('#admin', '/srv'), PasteError);
  });
});

describe('paste use = SCHEME:TARGET#NAME', () => {
  const where = { file: '/srv/p.ini', section: 'app:main' };

  it('splits scheme, target and export name', () => {
    assert.deepEqual(parseUse('call:./apps/a.ts#make', where), { scheme: 'call', target: './apps/a.ts', name: 'make' });
    assert.deepEqual(parseUse('egg:Paste#urlmap', where), { scheme: 'egg', target: 'Paste', name: 'urlmap' });
    assert.deepEqual(parseUse('npm:@scope/pkg', where), { scheme: 'npm', target: '@scope/pkg', name: undefined });
  });

  it('rejects an unknown scheme, naming file, section and key', () => {
    assert.throws(() => parseUse('python:app', where), (err: unknown) =>
      err instanceof PasteError && err.key === 'use' && err.section === 'app:main' && /unknown scheme in "python:app"/.test(err.message));
    assert.throws(() => parseUse('./app.ts', where), /unknown scheme/);
  });

  it('rejects a missing use', () => {
    assert.throws(() => parseUse(undefined, where), (err: unknown) =>
      err instanceof PasteError && err.message === '/srv/p.ini: [app:main] use: missing "use" (one of file:, npm:, call:, egg:, config:)');
  });
});
