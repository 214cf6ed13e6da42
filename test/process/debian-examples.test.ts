// The operations examples are valid for the tools that read them: the gunicorn.d instances
// pass `gunicorn-ts-debian check` (exactly as the tool runs them), systemd accepts the units,
// logrotate parses its script.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../helpers/temp-dir.js';
import { DEBIAN_BIN, runDebian } from '../helpers/debian.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const examples = join(repo, 'config-examples');
const tmp = makeTempDir('gts-debian-examples-');
after(() => tmp.remove());

describe('operations examples', () => {
  it('gunicorn.d instances pass gunicorn-ts-debian check', async () => {
    const r = await runDebian(['--config-dir', join(examples, 'gunicorn.d'), 'check'], repo);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'api: OK\nhello: OK\n');
  });

  it('systemd-analyze verify accepts the template unit and the socket', () => {
    // ExecStart must name an existing executable: point it at this build.
    const unit = readFileSync(join(examples, 'systemd/gunicorn-ts@.service'), 'utf8');
    assert.ok(unit.includes('ExecStart=/usr/bin/gunicorn-ts-debian run %i'));
    tmp.write('gunicorn-ts@.service', unit.replace('/usr/bin/gunicorn-ts-debian', `${process.execPath} ${DEBIAN_BIN}`));
    copyFileSync(join(examples, 'systemd/gunicorn-ts.socket'), join(tmp.path, 'gunicorn-ts.socket'));
    const r = spawnSync('systemd-analyze', ['verify', 'gunicorn-ts@hello.service', 'gunicorn-ts.socket'], { cwd: tmp.path, encoding: 'utf8' });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  });

  it('logrotate parses the script and would rotate the instance logs with a USR1 postrotate', () => {
    const r = spawnSync('logrotate', ['-d', '-s', join(tmp.path, 'state'), join(examples, 'logrotate/gunicorn-ts')], { encoding: 'utf8' });
    assert.equal(r.error, undefined, 'logrotate is missing: apt-get install -y logrotate');
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr + r.stdout, /error/i);
    assert.match(r.stderr + r.stdout, /rotating pattern: \/var\/log\/gunicorn-ts\/\*\.log/);
    assert.doesNotMatch(readFileSync(join(examples, 'logrotate/gunicorn-ts'), 'utf8'), /^\s*copytruncate/m);
  });
});
