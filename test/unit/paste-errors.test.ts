import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPasteApp, PasteError } from '../../src/paste/index.js';
import { fixturesDir, functionsOnly } from './paste-serve.js';

const dir = mkdtempSync(join(tmpdir(), 'paste-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const echo = join(fixturesDir, 'apps/echo.ts');
const hello = join(fixturesDir, 'apps/hello.ts');

function writeIni(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Loads `name` from an INI file with `text` and expects a PasteError at file/section/key matching `message`. */
async function rejects(text: string, name: string, expected: { section?: string; key?: string; message: RegExp }, fileName = 'app.ini') {
  const file = writeIni(fileName, text);
  await assert.rejects(loadPasteApp({ file, name }, { toListener: functionsOnly }), (err: unknown) => {
    assert.ok(err instanceof PasteError, `expected a PasteError, got ${String(err)}`);
    assert.equal(err.file, file);
    assert.equal(err.section, expected.section);
    assert.equal(err.key, expected.key);
    assert.match(err.message, expected.message);
    assert.ok(err.message.startsWith(file), 'the message starts with the file');
    return true;
  });
}

describe('paste errors name file, section and key', () => {
  it('missing selected section', async () => {
    await rejects('[app:main]\nuse = file:' + hello + '\n', 'admin',
      { message: /no \[app:admin\] or \[pipeline:admin\] or \[composite:admin\] section .*sections: \[app:main\]/ });
  });

  it('a name used by two app-like sections', async () => {
    await rejects(`[app:main]\nuse = file:${hello}\n[pipeline:main]\npipeline = x\n`, 'main',
      { message: /"main" is ambiguous: both \[app:main\] and \[pipeline:main\]/ });
  });

  it('missing filter section named by a pipeline', async () => {
    await rejects(`[pipeline:main]\npipeline = auth app\n[app:app]\nuse = file:${hello}\n`, 'main',
      { section: 'pipeline:main', key: 'pipeline', message: /no \[filter:auth\] section/ });
  });

  it('unknown use scheme', async () => {
    await rejects('[app:main]\nuse = egg2:thing\n', 'main', { section: 'app:main', key: 'use', message: /unknown scheme in "egg2:thing"/ });
  });

  it('missing use', async () => {
    await rejects('[app:main]\nlabel = x\n', 'main', { section: 'app:main', key: 'use', message: /missing "use"/ });
  });

  it('circular pipeline', async () => {
    await rejects('[pipeline:main]\npipeline = other\n[pipeline:other]\npipeline = main\n', 'main',
      { section: 'pipeline:other', key: 'pipeline', message: /circular reference: .*\[pipeline:main\] -> .*\[pipeline:other\] -> .*\[pipeline:main\]/ });
  });

  it('circular config: reference across two files, reported where the cycle closes', async () => {
    const b = writeIni('b.ini', '[app:main]\nuse = config:a.ini\n');
    const a = writeIni('a.ini', '[app:main]\nuse = config:b.ini#main\n');
    await assert.rejects(loadPasteApp({ file: a, name: 'main' }, { toListener: functionsOnly }), (err: unknown) =>
      err instanceof PasteError && err.file === b && err.section === 'app:main' && err.key === 'use' &&
      /circular reference: .*a\.ini \[app:main\] -> .*b\.ini \[app:main\] -> .*a\.ini \[app:main\]/.test(err.message));
  });

  it('interpolation of an unknown name', async () => {
    await rejects(`[app:main]\nuse = call:${echo}#make\nroot = %(nowhere)s/x\n`, 'main',
      { section: 'app:main', key: 'root', message: /unknown name "nowhere"/ });
  });

  it('get of an unknown global', async () => {
    await rejects(`[app:main]\nuse = call:${echo}#make\nget level = log_level\n`, 'main',
      { section: 'app:main', key: 'get level', message: /no global "log_level"/ });
  });

  it('a module that cannot be found, and an export that does not exist', async () => {
    await rejects('[app:main]\nuse = file:./nope.ts\n', 'main', { section: 'app:main', key: 'use', message: /cannot load module .*nope\.ts/ });
    await rejects(`[app:main]\nuse = file:${hello}#missing\n`, 'main',
      { section: 'app:main', key: 'use', message: /has no export "missing"; it exports: .*app/ });
  });

  it('call: on something that is not a function, and a factory that throws', async () => {
    await rejects(`[app:main]\nuse = call:${hello}#notAnApp\n`, 'main', { section: 'app:main', key: 'use', message: /needs a factory function/ });
    await rejects(`[app:main]\nuse = call:${echo}#explode\n`, 'main', { section: 'app:main', key: 'use', message: /factory .*#explode threw: factory exploded/ });
  });

  it('an app value that toListener rejects', async () => {
    await rejects(`[app:main]\nuse = call:${echo}#makeNothing\n`, 'main', { section: 'app:main', key: 'use', message: /is not a request listener/ });
  });

  it('a filter that is not a function', async () => {
    await rejects(`[pipeline:main]\npipeline = f app\n[filter:f]\nuse = file:${hello}#notAnApp\n[app:app]\nuse = file:${hello}\n`, 'main',
      { section: 'filter:f', key: 'use', message: /is not a filter/ });
  });

  it('urlmap keys that are not paths, and composites other than urlmap', async () => {
    await rejects(`[composite:main]\nuse = egg:Paste#urlmap\nadmin = a\n[app:a]\nuse = file:${hello}\n`, 'main',
      { section: 'composite:main', key: 'admin', message: /must start with "\/"/ });
    await rejects('[composite:main]\nuse = egg:Paste#cascade\n', 'main', { section: 'composite:main', key: 'use', message: /only composite is egg:Paste#urlmap/ });
  });

  it('an INI file that does not exist', async () => {
    await assert.rejects(loadPasteApp({ file: join(dir, 'absent.ini'), name: 'main' }, { toListener: functionsOnly }),
      /absent\.ini: cannot read INI file .*ENOENT/);
  });
});
