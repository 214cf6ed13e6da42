// USR2 with the real binary: a new master starts on the same TCP and Unix sockets, the
// pidfile becomes PIDFILE.oldbin and the new master writes PIDFILE; TERM to the old master
// leaves the new one serving on both (the Unix path still there) with no failed request;
// if the new master dies or is stopped instead, the old one takes its pidfile name back and
// keeps serving on every socket.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, get, steadyLoad, Tracked, waitUntil, workersOf } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-signals-usr2-');

after(async () => {
  await tracked.cleanup();
  tmp.remove();
});

function readPid(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

async function startUpgradable(name: string): Promise<{ server: ReturnType<Tracked['start']>; pidfile: string; urls: string[]; newMaster: number }> {
  const pidfile = join(tmp.path, `${name}.pid`);
  const sock = join(tmp.path, `${name}.sock`);
  const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', '-b', `unix:${sock}`, '-p', pidfile, APP]);
  const urls = await server.listening(2);
  await workersOf(server.pid, 2);
  server.signal('SIGUSR2');
  const newMaster = await waitUntil('the new master to write the pidfile', () => {
    const pid = readPid(pidfile);
    return pid !== undefined && pid !== server.pid ? pid : undefined;
  });
  tracked.pid(newMaster);
  return { server, pidfile, urls, newMaster };
}

describe('USR2', () => {
  it('a new master serves on the same sockets; TERM to the old one leaves it serving', async () => {
    const { server, pidfile, urls, newMaster } = await startUpgradable('upgrade');
    const tcp = steadyLoad(urls[0]!);
    const unix = steadyLoad(urls[1]!);
    assert.equal(readPid(`${pidfile}.oldbin`), server.pid, 'the old master renamed its pidfile to .oldbin');
    const newWorkers = await workersOf(newMaster, 2);
    await server.waitForLog(/^pre_exec|^Re-executing: new master pid /);
    server.signal('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.equal(existsSync(`${pidfile}.oldbin`), false, 'the old master removed PIDFILE.oldbin');
    assert.equal(readPid(pidfile), newMaster);
    assert.ok(lstatSync(urls[1]!.slice(5)).isSocket(), 'the Unix socket path is still there');
    for (const url of urls) {
      const reply = await get(url);
      assert.equal(reply.status, 200);
      assert.ok(newWorkers.includes(Number(/pid=(\d+)/.exec(reply.body)?.[1])), 'served by a new worker');
    }
    const results = [await tcp.stop(), await unix.stop()];
    for (const r of results) {
      assert.deepEqual(r.failed, []);
      assert.ok(r.ok > 0);
    }
    assert.ok(isAlive(newMaster));
    process.kill(newMaster, 'SIGTERM');
    await waitUntil('the new master to exit', () => !isAlive(newMaster));
    assert.equal(existsSync(pidfile), false);
    assert.equal(existsSync(urls[1]!.slice(5)), false, 'the last master removes the socket file');
  });

  it('when the new master dies, the old one takes PIDFILE back and keeps serving', async () => {
    const { server, pidfile, urls, newMaster } = await startUpgradable('rollback');
    const newWorkers = await workersOf(newMaster, 2);
    process.kill(newMaster, 'SIGKILL');
    await waitUntil('the pidfile to name the old master again', () => readPid(pidfile) === server.pid && !existsSync(`${pidfile}.oldbin`));
    await waitUntil('the new master\'s workers to leave', () => newWorkers.every((pid) => !isAlive(pid)));
    for (const url of urls) assert.equal((await get(url)).status, 200);
    // A second USR2 works again once the first new master is gone; rolling it back with TERM
    // leaves the old master serving on the Unix socket path too.
    server.signal('SIGUSR2');
    const third = await waitUntil('another new master', () => {
      const pid = readPid(pidfile);
      return pid !== undefined && pid !== server.pid && pid !== newMaster ? pid : undefined;
    });
    tracked.pid(third);
    await workersOf(third, 2);
    process.kill(third, 'SIGTERM');
    await waitUntil('the second new master to exit', () => !isAlive(third));
    await waitUntil('the pidfile to name the old master again', () => readPid(pidfile) === server.pid && !existsSync(`${pidfile}.oldbin`));
    assert.ok(lstatSync(urls[1]!.slice(5)).isSocket(), 'the Unix socket path is still there');
    for (const url of urls) assert.equal((await get(url)).status, 200);
    await server.stop();
  });
});
