// `gunicorn-ts-debian run NAME` (what gunicorn-ts@.service runs) under systemd-style socket
// activation: the master is the exec'd process, takes the socket from LISTEN_FDS instead of
// the instance's bind, writes the instance pidfile, and stops on SIGTERM.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { DEBIAN_BIN, getViaSocket, killInstances, readPid, waitUntil } from '../helpers/debian.js';

const tmp = makeTempDir('gts-debian-activate-');
const activated = join(tmp.path, 'activated.sock');
const configured = join(tmp.path, 'configured.sock');
let groupLeader: number | undefined;

after(() => {
  killInstances(join(tmp.path, 'run'), groupLeader === undefined ? [] : [groupLeader]);
  tmp.remove();
});

describe('gunicorn-ts-debian run under socket activation', () => {
  it('serves the socket systemd passed, with the instance pidfile, and exits on SIGTERM', async () => {
    tmp.write('conf/web.json', JSON.stringify({ app: 'hello.ts:app', chdir: join(FIXTURES, 'cli'), bind: [`unix:${configured}`], workers: 1 }));
    const args = ['--config-dir', join(tmp.path, 'conf'), '--run-dir', join(tmp.path, 'run'), '--log-dir', join(tmp.path, 'log'), 'run', 'web'];
    const child = spawn('systemd-socket-activate', ['-l', activated, process.execPath, DEBIAN_BIN, ...args], { detached: true, stdio: 'ignore' });
    groupLeader = child.pid;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitUntil('the activation socket', () => existsSync(activated));
    const res = await getViaSocket(activated, '/activated');
    assert.equal(res.status, 200);
    assert.match(res.body, /^hello from \d+ \/activated/);
    // systemd-socket-activate execs in place: the master is the process systemd would supervise.
    assert.equal(readPid(join(tmp.path, 'run/web.pid')), child.pid);
    assert.equal(existsSync(configured), false, 'the instance bind is not used when sockets are passed');
    process.kill(child.pid!, 'SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(existsSync(join(tmp.path, 'run/web.pid')), false);
  });
});
