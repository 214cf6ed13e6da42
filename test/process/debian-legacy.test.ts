// gunicorn-ts-debian with Debian's legacy instance files (a Python CONFIG = {...} dict, no
// extension) in a temporary /etc/gunicorn.d: one is started and serves with its working_dir,
// environment and args; one using Python beyond a literal is refused by name with the
// conversion; convert prints the NAME.conf.ts equivalent, which gunicorn-ts itself accepts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { isLiveGunicorn } from '../../src/arbiter/pidfile.js';
import { FIXTURES, runGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { getViaSocket, killInstances, readPid, runDebian } from '../helpers/debian.js';

const tmp = makeTempDir('gts-debian-legacy-');
const confDir = join(tmp.path, 'gunicorn.d');
const runDir = join(tmp.path, 'run');
const dirs = ['--config-dir', confDir, '--run-dir', runDir, '--log-dir', join(tmp.path, 'log')];
const started = new Set<number>();
const debian = (...args: string[]): ReturnType<typeof runDebian> => runDebian([...dirs, ...args], tmp.path);
const appDir = join(FIXTURES, 'apps');
const sock = join(tmp.path, 'legacy.sock');
// The identity this test runs as, so the file needs no root (Debian's default is www-data).
const user = userInfo().username;
const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();

// Written as Debian's package documented it: comments, a trailing comma, a tuple of args.
const LEGACY = `# Debian gunicorn instance, kept from the Python days
CONFIG = {
    'mode': 'wsgi',
    'working_dir': '${appDir}',
    'user': '${user}',
    'group': "${group}",
    'python': '/usr/bin/python3',
    'environment': {
        'GREETING': 'bonjour',
    },
    'args': (
        '--bind=unix:${sock}',
        '--workers', '2',
        'instance-app.ts',
    ),
}
`;

after(() => {
  killInstances(runDir, started);
  tmp.remove();
});

describe('gunicorn-ts-debian and Debian legacy CONFIG files', () => {
  it('starts a legacy file: working_dir, user/group, environment and args all apply; python is named as ignored', async () => {
    tmp.write('gunicorn.d/legacy', LEGACY);
    const r = await debian('start');
    const pid = readPid(join(runDir, 'legacy.pid'));
    if (pid !== undefined) started.add(pid);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^legacy: started \(pid \d+\)$/m);
    assert.match(r.stderr, /note: legacy \(.*gunicorn\.d\/legacy\): python "\/usr\/bin\/python3" ignored/);
    assert.ok(pid !== undefined && isLiveGunicorn(pid));
    const res = await getViaSocket(sock, '/legacy');
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body) as { greeting: string; cwd: string; instance: string };
    assert.equal(body.greeting, 'bonjour');
    assert.equal(body.cwd, appDir);
    assert.ok(['0', '1'].includes(body.instance), 'two workers: slots 0 and 1');
    const stop = await debian('stop', 'legacy');
    assert.equal(stop.code, 0, stop.stderr);
  });

  it('refuses a file that uses Python beyond a literal dict, by name, with the conversion; never skips a file silently', async () => {
    const bad = tmp.write('gunicorn.d/computed', "import multiprocessing\nCONFIG = {'args': ('--workers=%d' % multiprocessing.cpu_count(), 'app.ts')}\n");
    const readme = tmp.write('gunicorn.d/README', 'These files configure the servers.\n');
    try {
      const r = await debian('check');
      assert.equal(r.code, 1);
      assert.ok(r.stderr.includes(`computed (${bad})`), r.stderr);
      assert.match(r.stderr, /a Debian instance file gunicorn-ts cannot use: line 1: `import`/);
      assert.match(r.stderr, /Write computed\.conf\.ts beside it instead/);
      assert.ok(r.stderr.includes(`note: skipped ${readme}: not an instance file`), r.stderr);
    } finally {
      rmSync(bad);
      rmSync(readme);
    }
  });

  it('convert prints a NAME.conf.ts that gunicorn-ts --check-config accepts as it is', async () => {
    const r = await debian('convert', 'legacy');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^export default defineConfig\(\{$/m);
    assert.match(r.stdout, /^ {2}app: 'instance-app\.ts',$/m);
    assert.match(r.stdout, /^ {2}raw_env: \['GREETING=bonjour'\],$/m);
    assert.match(r.stdout, /^ {2}workers: 2,$/m);
    assert.match(r.stdout, /Note: python "\/usr\/bin\/python3" ignored/);
    // The printed file is valid as written (the import resolved through a plain object here).
    const file = tmp.write('converted.conf.ts', r.stdout.replace("import { defineConfig } from 'gunicorn-ts';", 'const defineConfig = <T>(c: T): T => c;'));
    const checked = await runGunicorn(['-c', file, '--check-config'], { cwd: tmp.path });
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /Config OK: app instance-app\.ts loads/);
  });
});
