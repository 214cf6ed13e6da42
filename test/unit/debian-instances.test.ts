// gunicorn-ts-debian: which files are instances, their names, selection, and the state a
// pidfile describes.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { findInstances, instanceOf, selectInstances } from '../../src/debian/instances.js';
import { describeState, pidfileNames, stateOf } from '../../src/debian/process-state.js';
import { parseCommandLine } from '../../src/debian/cli.js';
import { gunicornArgs, instanceEnv } from '../../src/debian/gunicorn-args.js';
import { resolvePaths } from '../../src/debian/paths.js';
import { GunicornError } from '../../src/errors.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('gts-debian-unit-');
after(() => tmp.remove());

describe('instance files', () => {
  it('recognises config files with .conf, JSON and INI files, and names them', () => {
    assert.deepEqual(instanceOf('hello.conf.ts', '/d'), { name: 'hello', file: '/d/hello.conf.ts', kind: 'config' });
    assert.deepEqual(instanceOf('a.conf.mjs', '/d')?.name, 'a');
    assert.deepEqual(instanceOf('api.json', '/d'), { name: 'api', file: '/d/api.json', kind: 'config' });
    assert.deepEqual(instanceOf('api.conf.json', '/d')?.name, 'api');
    assert.deepEqual(instanceOf('shop.ini', '/d'), { name: 'shop', file: '/d/shop.ini', kind: 'paste' });
  });

  it('ignores app modules, hidden files, backups and dpkg leftovers', () => {
    for (const f of ['app.ts', 'helper.js', '.hidden.json', 'hello.conf.ts~', 'api.json.dpkg-old', 'README', 'x.conf.py']) {
      assert.equal(instanceOf(f, '/d'), undefined, f);
    }
  });

  it('lists a directory sorted by name, skipping subdirectories', () => {
    const dir = join(tmp.path, 'list');
    tmp.write('list/b.json', '{}');
    tmp.write('list/a.conf.ts', 'export default {}');
    tmp.write('list/apps/x.json', '{}');
    mkdirSync(join(dir, 'c.json'));
    assert.deepEqual(findInstances(dir).map((i) => i.name), ['a', 'b']);
  });

  it('refuses two files giving the same name, naming both', () => {
    tmp.write('dup/web.json', '{}');
    tmp.write('dup/web.conf.ts', 'export default {}');
    assert.throws(() => findInstances(join(tmp.path, 'dup')), (e: unknown) => e instanceof GunicornError && /web\.conf\.ts and .*web\.json|web\.json and .*web\.conf\.ts/.test(e.message));
  });

  it('reports a missing config directory clearly', () => {
    assert.throws(() => findInstances(join(tmp.path, 'nope')), /cannot read the config directory .*nope: ENOENT/);
  });

  it('selects named instances and rejects unknown names, listing the known ones', () => {
    const all = [{ name: 'a' }, { name: 'b' }];
    assert.deepEqual(selectInstances(all, [], '/d'), all);
    assert.deepEqual(selectInstances(all, ['b'], '/d'), [{ name: 'b' }]);
    assert.throws(() => selectInstances(all, ['c'], '/d'), /no instance file for c in \/d \(instances: a, b\)/);
  });
});

describe('gunicorn-ts command line of an instance', () => {
  const paths = resolvePaths({ configDir: '/c', runDir: '/r', logDir: '/l' }, '/');
  it('passes the config file, pidfile and error log, and --daemon only when asked', () => {
    assert.deepEqual(gunicornArgs({ name: 'a', file: '/c/a.json', kind: 'config' }, paths, { daemon: true }), ['-c', '/c/a.json', '--daemon', '--pid', '/r/a.pid', '--error-logfile', '/l/a.log']);
    assert.deepEqual(gunicornArgs({ name: 's', file: '/c/s.ini', kind: 'paste' }, paths, { daemon: false }), ['--paste', '/c/s.ini', '--pid', '/r/s.pid', '--error-logfile', '/l/s.log']);
  });

  it('drops GUNICORN_CMD_ARGS from the environment and keeps the rest', () => {
    assert.deepEqual(instanceEnv({ GUNICORN_CMD_ARGS: '--workers 9', PATH: '/bin' }), { PATH: '/bin' });
  });
});

describe('pidfile states', () => {
  it('no pidfile: stopped', () => {
    assert.deepEqual(stateOf(join(tmp.path, 'none.pid')), { kind: 'stopped' });
  });

  it('a live pid that is not gunicorn-ts (this test process): stale', () => {
    const file = tmp.write('self.pid', `${process.pid}\n`);
    assert.deepEqual(stateOf(file), { kind: 'stale', pid: process.pid });
    assert.match(describeState(stateOf(file)), /stale pidfile: pid \d+ is not running/);
  });

  it('garbage in the pidfile: stale without a pid', () => {
    assert.deepEqual(stateOf(tmp.write('junk.pid', 'abc')), { kind: 'stale', pid: null });
  });

  it('lists the names that have a pidfile', () => {
    tmp.write('run/x.pid', '1');
    tmp.write('run/.y.pid.5.tmp', '1');
    assert.deepEqual(pidfileNames(join(tmp.path, 'run')), ['x']);
    assert.deepEqual(pidfileNames(join(tmp.path, 'missing')), []);
  });
});

describe('gunicorn-ts-debian arguments', () => {
  it('uses the Debian paths by default and resolves overrides against cwd', () => {
    const d = parseCommandLine(['status'], '/home');
    assert.deepEqual(d.ctx.paths, { configDir: '/etc/gunicorn.d', runDir: '/run/gunicorn-ts', logDir: '/var/log/gunicorn-ts' });
    const o = parseCommandLine(['--config-dir', 'conf', '--run-dir=/r', '--log-dir', 'l', '--timeout', '5', 'start', 'a', 'b'], '/home');
    assert.deepEqual(o.ctx.paths, { configDir: '/home/conf', runDir: '/r', logDir: '/home/l' });
    assert.equal(o.ctx.timeoutMs, 5000);
    assert.equal(o.command, 'start');
    assert.deepEqual(o.names, ['a', 'b']);
  });

  it('rejects a missing or unknown command, unknown options and a bad timeout', () => {
    assert.throws(() => parseCommandLine([], '/'), /a command is required/);
    assert.throws(() => parseCommandLine(['launch'], '/'), /unknown command "launch"/);
    assert.throws(() => parseCommandLine(['--pidfile', 'x', 'start'], '/'), /--pidfile/);
    assert.throws(() => parseCommandLine(['--timeout', '0', 'stop'], '/'), /--timeout: "0" is not a positive number/);
  });
});
