// The arbiter's socket set across reloads, on real sockets: a changed bind binds the new
// address, keeps the unchanged one (same fd, so its queue is never dropped) and closes a
// removed one only once the last worker that received it has gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Listeners } from '../../src/arbiter/listeners.js';
import { bindAll } from '../../src/arbiter/sockets/index.js';

const OPTS = { backlog: 64, umask: 0o022 };

/** Whether a client can connect: the kernel completes the handshake on a listening socket. */
function connects(target: { port: number } | { path: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = 'path' in target ? connect(target.path) : connect(target.port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

test('a bind change keeps, adds and retires sockets; a retired one closes after its last worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gts-listeners-'));
  const bind = ['127.0.0.1:0', `unix:${join(dir, 'old.sock')}`];
  const listeners = new Listeners(await bindAll(bind, OPTS), { bind, backlog: 64 }, 'bind');
  try {
    const [tcp, oldUnix] = listeners.current;
    assert.deepEqual(listeners.lease(1), [tcp, oldUnix]);
    assert.equal(await listeners.prepare(bind, OPTS), null, 'nothing to do for the same bind');

    const next = ['127.0.0.1:0', `unix:${join(dir, 'new.sock')}`];
    const change = await listeners.prepare(next, OPTS);
    assert.ok(change);
    assert.deepEqual(change.removed, [oldUnix]);
    assert.equal(change.added.length, 1);
    assert.deepEqual(listeners.commit(change), [], 'worker 1 still serves the old socket');
    assert.equal(listeners.current[0], tcp, 'the unchanged address keeps its socket');
    assert.deepEqual(listeners.lease(2), listeners.current);
    assert.ok(await connects({ path: join(dir, 'old.sock') }), 'the old address listens while a worker holds it');
    assert.ok(await connects({ path: join(dir, 'new.sock') }));

    assert.deepEqual(listeners.release(1), [oldUnix]);
    assert.equal(existsSync(join(dir, 'old.sock')), false, 'its socket file is removed');
    assert.equal(await connects({ path: join(dir, 'old.sock') }), false);
    assert.ok(await connects({ port: tcp!.address.kind === 'tcp' ? tcp!.address.port : 0 }));
  } finally {
    listeners.closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed bind leaves nothing bound and the running sockets untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gts-listeners-'));
  const bind = ['127.0.0.1:0'];
  const listeners = new Listeners(await bindAll(bind, OPTS), { bind, backlog: 64 }, 'bind');
  try {
    const before = listeners.current;
    await assert.rejects(listeners.prepare(['127.0.0.1:0', `unix:${join(dir, 'ok.sock')}`, `unix:${join(dir, 'no', 'such', 'dir.sock')}`], OPTS));
    assert.equal(existsSync(join(dir, 'ok.sock')), false, 'the address bound before the failure is released');
    assert.deepEqual(listeners.current, before);
  } finally {
    listeners.closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('removing an address no worker holds closes it at commit; systemd sockets ignore bind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gts-listeners-'));
  const path = join(dir, 'a.sock');
  const bind = [`unix:${path}`];
  const listeners = new Listeners(await bindAll(bind, OPTS), { bind, backlog: 64 }, 'bind');
  const activated = new Listeners(await bindAll([`unix:${join(dir, 'sd.sock')}`], OPTS), { bind: ['127.0.0.1:8000'], backlog: 64 }, 'systemd');
  try {
    const change = await listeners.prepare(['127.0.0.1:0'], OPTS);
    assert.ok(change);
    assert.equal(listeners.commit(change).length, 1);
    assert.equal(await connects({ path }), false);
    assert.equal(await activated.prepare(['127.0.0.1:0'], OPTS), null);
  } finally {
    listeners.closeAll();
    activated.closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
});
