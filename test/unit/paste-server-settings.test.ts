import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PasteError, readPasteServerSettings } from '../../src/paste/index.js';
import { fixturesDir } from './paste-serve.js';

const dir = mkdtempSync(join(tmpdir(), 'paste-server-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
function settingsOf(text: string) {
  const file = join(dir, `s${count++}.ini`);
  writeFileSync(file, text);
  return readPasteServerSettings({ file, name: 'main' }).values;
}

describe('paste [server:main] settings', () => {
  it('reads the fixture: host/port fold into bind, values interpolated, multi-line values become lists', () => {
    const file = join(fixturesDir, 'features.ini');
    assert.deepEqual(readPasteServerSettings({ file, name: 'admin' }), {
      file,
      section: 'server:main',
      values: { workers: '3', proc_name: 'hi-server', raw_env: ['A=1', 'B=2'], bind: '127.0.0.1:8123' },
    });
  });

  it('accepts egg:gunicorn-ts#main and egg:gunicorn without a name', () => {
    assert.deepEqual(settingsOf('[server:main]\nuse = egg:gunicorn-ts#main\nworkers = 2\n'), { workers: '2' });
    assert.deepEqual(settingsOf('[server:main]\nuse = egg:gunicorn\n'), {});
  });

  it('rejects another server, naming file, section and key', () => {
    assert.throws(() => settingsOf('[server:main]\nuse = egg:waitress#main\n'), (err: unknown) =>
      err instanceof PasteError && err.section === 'server:main' && err.key === 'use' && /egg:gunicorn#main/.test(err.message));
  });

  it('rejects a server section without use', () => {
    assert.throws(() => settingsOf('[server:main]\nworkers = 2\n'), /\[server:main\] use: missing "use"/);
  });

  it('folds host alone, port alone and IPv6 hosts into bind', () => {
    assert.deepEqual(settingsOf('[server:main]\nuse = egg:gunicorn#main\nhost = 0.0.0.0\n'), { bind: '0.0.0.0' });
    assert.deepEqual(settingsOf('[server:main]\nuse = egg:gunicorn#main\nhost = a, b\n'), { bind: ['a', 'b'] });
    assert.deepEqual(settingsOf('[server:main]\nuse = egg:gunicorn#main\nport = 9000\n'), { bind: '127.0.0.1:9000' });
    assert.deepEqual(settingsOf('[server:main]\nuse = egg:gunicorn#main\nhost = ::1\nport = 80\n'), { bind: '[::1]:80' });
  });

  it('rejects bind together with host/port', () => {
    assert.throws(() => settingsOf('[server:main]\nuse = egg:gunicorn#main\nbind = unix:/s\nport = 80\n'),
      (err: unknown) => err instanceof PasteError && err.key === 'port' && /either bind or host\/port/.test(err.message));
  });

  it('returns no values when the file has no [server:main]', () => {
    assert.deepEqual(settingsOf('[app:main]\nuse = npm:x\n'), {});
  });

  it('names the file when it cannot be read', () => {
    assert.throws(() => readPasteServerSettings({ file: join(dir, 'missing.ini'), name: 'main' }), /missing\.ini.*ENOENT/);
  });
});
