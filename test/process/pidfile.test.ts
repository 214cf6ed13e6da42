// The pidfile with the real binary: written once the sockets are bound (never when binding
// fails), not world-writable even under --umask 0, removed on exit; a pidfile naming a live
// gunicorn-ts stops a second instance with exit 1; a stale one is replaced.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, get, Tracked, workersOf } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-pidfile-');

after(async () => {
  await tracked.cleanup();
  tmp.remove();
});

describe('pidfile', () => {
  it('names the arbiter once it listens, is not world-writable, and is removed on exit', async () => {
    const pidfile = join(tmp.path, 'a.pid');
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-p', pidfile, '--umask', '0', APP]);
    await server.listening();
    assert.equal(readFileSync(pidfile, 'utf8'), `${server.pid}\n`);
    assert.equal(statSync(pidfile).mode & 0o022, 0, 'neither group- nor world-writable');
    server.signal('SIGTERM');
    assert.equal((await server.exited).code, 0);
    assert.equal(existsSync(pidfile), false);
  });

  it('is not written when binding fails', async () => {
    const pidfile = join(tmp.path, 'bind-fails.pid');
    // A missing directory fails at once (an address in use would be retried for 4 s).
    const server = tracked.start(['-w', '1', '-b', 'unix:/nonexistent-dir/x.sock', '-p', pidfile, APP]);
    assert.equal((await server.exited).code, 1);
    assert.equal(existsSync(pidfile), false);
  });

  it('a pidfile naming a live gunicorn-ts stops a second instance with exit 1', async () => {
    const pidfile = join(tmp.path, 'shared.pid');
    const first = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-p', pidfile, APP]);
    const [url] = await first.listening();
    await workersOf(first.pid, 1);
    const second = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-p', pidfile, APP]);
    assert.equal((await second.exited).code, 1);
    assert.match(second.stderr, new RegExp(`pidfile ${pidfile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} names a running gunicorn-ts \\(pid ${first.pid}\\)`));
    assert.doesNotMatch(second.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(second.logCount(/^Booting worker/), 0);
    assert.equal(readFileSync(pidfile, 'utf8').trim(), String(first.pid), 'the first instance keeps its pidfile');
    assert.equal((await get(url!)).status, 200, 'the first instance still serves');
    await first.stop();
  });

  it('a stale pidfile (dead pid) is replaced', async () => {
    const pidfile = join(tmp.path, 'stale.pid');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(pidfile, `${dead.stdout}\n`);
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-p', pidfile, APP]);
    await server.listening();
    assert.equal(readFileSync(pidfile, 'utf8').trim(), String(server.pid));
    await server.stop();
  });
});
