// accept-pause.ts relies on libuv behaviour reached through Node internals (readStart and
// readStop on a listening handle). These tests check it on the running Node: a paused
// worker-like process leaves new connections in the kernel queue (read from the kernel's
// own tables), and accepts them all once resumed; a handle that cannot be paused says so.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindAll, type ListeningSocket } from '../../src/arbiter/sockets/index.js';
import { readBacklogs, socketInode } from '../../src/metrics/backlog.js';
import { acceptPauseOf } from '../../src/worker/accept-pause.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const CHILD = fileURLToPath(new URL('../helpers/accept-pause-child.js', import.meta.url));

interface Reply { ok: boolean; accepted: number; paused: boolean }

const children: ChildProcess[] = [];
const sockets: ListeningSocket[] = [];
const clients: Socket[] = [];
const dir = makeTempDir('gunicorn-ts-accept-pause-');
after(() => {
  dir.remove();
  for (const c of clients) c.destroy();
  for (const child of children) child.kill('SIGKILL');
  for (const s of sockets) s.close();
});

function startChild(socket: ListeningSocket, args: string[] = []): { ask(cmd: string): Promise<Reply>; ready: Promise<Reply> } {
  const child = fork(CHILD, args, { stdio: ['ignore', 'inherit', 'inherit', socket.fd, 'ipc'] });
  children.push(child);
  const replies: Reply[] = [];
  let waiting: ((r: Reply) => void) | null = null;
  child.on('message', (m: unknown) => {
    const reply = m as Reply;
    if (waiting) { const w = waiting; waiting = null; w(reply); } else replies.push(reply);
  });
  const next = (): Promise<Reply> => {
    const queued = replies.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => { waiting = resolve; });
  };
  return { ready: next(), ask: (cmd) => { child.send(cmd); return next(); } };
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function checkPauseResume(address: string, dial: (socket: ListeningSocket) => Socket): Promise<void> {
  const [socket] = await bindAll([address], { backlog: 64, umask: 0o22 });
  assert.ok(socket);
  sockets.push(socket);
  const child = startChild(socket);
  await child.ready;
  const target = { label: socket.label, inode: socketInode(socket.fd) };
  const depth = async (): Promise<number> => (await readBacklogs([target])).get(socket.label) ?? -1;

  const paused = await child.ask('pause');
  assert.deepEqual(paused, { ok: true, accepted: 0, paused: true });
  for (let i = 0; i < 3; i++) clients.push(dial(socket));
  // The kernel completes each handshake and queues it; nobody accepts.
  await until('3 queued connections', depth, (d) => d === 3);
  assert.equal((await child.ask('count')).accepted, 0, 'a paused process accepts nothing');

  await child.ask('resume');
  const resumed = await until('3 accepted', () => child.ask('count'), (r) => r.accepted === 3);
  assert.equal(resumed.paused, false);
  assert.equal(await depth(), 0, 'the queue is empty once accepted');

  // Pausing again after a resume works the same way.
  await child.ask('pause');
  clients.push(dial(socket));
  await until('1 queued connection', depth, (d) => d === 1);
  assert.equal((await child.ask('count')).accepted, 3);
  await child.ask('resume');
  await until('4 accepted', () => child.ask('count'), (r) => r.accepted === 4);
}

describe('acceptPauseOf', () => {
  it('TCP: a paused listener leaves connections in the kernel queue and accepts them on resume', async () => {
    await checkPauseResume('127.0.0.1:0', (s) => connect(s.address.kind === 'tcp' ? s.address.port : 0, '127.0.0.1'));
  });

  it('Unix socket: the same', async () => {
    const path = join(dir.path, 'app.sock');
    await checkPauseResume(`unix:${path}`, () => connect(path));
  });

  it('pausing from inside an accept callback stops libuv from accepting the rest of a queued burst', async () => {
    const [socket] = await bindAll(['127.0.0.1:0'], { backlog: 64, umask: 0o22 });
    assert.ok(socket && socket.address.kind === 'tcp');
    sockets.push(socket);
    const target = { label: socket.label, inode: socketInode(socket.fd) };
    const depth = async (): Promise<number> => (await readBacklogs([target])).get(socket.label) ?? -1;
    // Six connections queue before anyone accepts (bindAll leaves the socket listening).
    for (let i = 0; i < 6; i++) clients.push(connect(socket.address.port, '127.0.0.1'));
    await until('6 queued connections', depth, (d) => d === 6);
    const child = startChild(socket, ['pause-on-first']);
    await child.ready;
    await until('the first accepted', () => child.ask('count'), (r) => r.accepted >= 1);
    const reply = await child.ask('count');
    assert.deepEqual(reply, { ok: true, accepted: 1, paused: true });
    assert.equal(await depth(), 5, 'the other five are still in the kernel queue');
    await child.ask('resume');
    await until('the rest accepted', () => child.ask('count'), (r) => r.accepted === 6);
  });

  it('reports false for a listener this process bound itself (libuv does not treat it as readable)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const control = acceptPauseOf(server);
      assert.ok(control);
      assert.equal(control.pause(), false);
      assert.equal(control.paused, false);
    } finally {
      server.close();
    }
  });

  it('is null for a server that is not listening', () => {
    assert.equal(acceptPauseOf(createServer()), null);
  });
});
