// Debian's legacy CONFIG = {...} files: the literal reader (what Python literal syntax is
// read, what is refused and on which line) and the mapping to gunicorn-ts arguments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotALiteral, readConfigLiteral } from '../../src/debian/python-literal.js';
import { legacyArgv, parseLegacyConfig } from '../../src/debian/legacy.js';
import { GunicornError } from '../../src/errors.js';

describe('the CONFIG literal reader', () => {
  it('reads dicts, tuples, lists, strings (quotes, escapes, raw, adjacent), numbers, True/False/None and comments', () => {
    const text = `# -*- coding: utf-8 -*-
CONFIG = {
    'a': ("x", 'y\\'s', r'c:\\dir', 'con' 'cat',),  # trailing comma
    "b": [1, -2, 3.5],
    'c': {'t': True, 'f': False, 'n': None},
    'd': """multi
line""",
}
`;
    assert.deepEqual(readConfigLiteral(text), {
      a: ['x', "y's", 'c:\\dir', 'concat'], b: [1, -2, 3.5], c: { t: true, f: false, n: null }, d: 'multi\nline',
    });
  });

  const refused = (text: string, line: number, detail: RegExp): void => {
    assert.throws(() => readConfigLiteral(text), (e: unknown) => e instanceof NotALiteral && e.line === line && detail.test(e.message), text);
  };

  it('refuses anything beyond a literal, with the line', () => {
    refused("import os\nCONFIG = {}\n", 1, /`import`: the file must hold only `CONFIG = \{\.\.\.\}`/);
    refused("CONFIG = {\n  'w': os.path.join('a', 'b'),\n}\n", 2, /`os.path.join\('a',` is not a literal/);
    refused("CONFIG = {'w': 2 * 3}\n", 1, /expected "," or "\}"/);
    refused("CONFIG = {}\nCONFIG['x'] = 1\n", 2, /nothing may follow the CONFIG dict/);
    refused("CONFIG = {'a': 'open\n", 1, /not closed on its line/);
  });
});

describe('a legacy CONFIG as gunicorn-ts arguments', () => {
  it('maps working_dir, user, group, environment and args; Debian defaults; python noted', () => {
    const c = parseLegacyConfig('/etc/gunicorn.d/app', "CONFIG = {'python': '/usr/bin/python', 'environment': {'A': '1', 'N': 2}, 'args': ('--workers=3', 'server.ts:app')}");
    assert.deepEqual(legacyArgv(c, '/etc/gunicorn.d/app'), ['--chdir', '/', '--user', 'www-data', '--group', 'www-data', '--env', 'A=1', '--env', 'N=2', '--workers=3', 'server.ts:app']);
    assert.deepEqual(c.notes, ['python "/usr/bin/python" ignored: the app runs on the Node.js that runs gunicorn-ts']);
  });

  it('mode paster serves the INI file of args with --paste, relative to working_dir', () => {
    const c = parseLegacyConfig('/etc/gunicorn.d/shop', "CONFIG = {'mode': 'paster', 'working_dir': '/srv/shop', 'user': 33, 'args': ('-w', '2', 'production.ini')}");
    assert.deepEqual(legacyArgv(c, '/etc/gunicorn.d/shop'), ['--chdir', '/srv/shop', '--user', '33', '--group', 'www-data', '-w', '2', '--paste', '/srv/shop/production.ini']);
  });

  it('refuses django mode, bad shapes and non-literals by file name, with the NAME.conf.ts to write', () => {
    for (const [text, why] of [
      ["CONFIG = {'mode': 'django', 'args': ('proj.settings',)}", /mode 'django' serves a Django project/],
      ["CONFIG = {'args': '--workers=2'}", /'args' must be a tuple or list of strings/],
      ["CONFIG = ['a']", /CONFIG must be a dict/],
      ["from x import y\nCONFIG = {}", /line 1: `from`/],
    ] as const) {
      assert.throws(() => parseLegacyConfig('/etc/gunicorn.d/site', text), (e: unknown) =>
        e instanceof GunicornError && why.test(e.message) && e.message.startsWith('/etc/gunicorn.d/site: a Debian instance file gunicorn-ts cannot use')
        && e.message.includes('Write site.conf.ts beside it instead'), text);
    }
  });
});
