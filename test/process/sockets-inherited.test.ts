// Sockets a process did not bind itself: fd://N, systemd socket activation (LISTEN_PID,
// LISTEN_FDS) and fds handed over on USR2. A child takes the socket over as fd 3, starts a
// worker on it, and the worker must serve a real request.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BindError, bindAll, type ListeningSocket, socketsFromSystemd } from '../../src/arbiter/sockets/index.js';

const adoptScript = fileURLToPath(new URL('../../../test/fixtures/sockets/adopt.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gts-sockets-inh-'));
const pids = new Set<number>();
const sockets: ListeningSocket[] = [];

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

after(() => {
  for (const pid of pids) killIfAlive(pid);
  for (const socket of sockets) socket.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Adopted {
  labels: string[];
  env: string[];
  workerPid: number;
}

/** Runs adopt.mjs with `socket` as its fd 3; returns what it reported, and kills it and its worker afterwards. */
async function adopt(mode: string, socket: ListeningSocket, env: NodeJS.ProcessEnv = {}): Promise<Adopted> {
  const child: ChildProcess = spawn(process.execPath, [adoptScript, mode], {
    stdio: ['ignore', 'inherit', 'inherit', socket.handle as never, 'ipc'],
    env: { ...process.env, ...env },
  });
  pids.add(child.pid as number);
  const [report] = (await once(child, 'message')) as [Adopted & { error?: string }];
  if (report.error !== undefined) assert.fail(report.error);
  pids.add(report.workerPid);
  return report;
}

function get(socket: ListeningSocket): Promise<string> {
  const a = socket.address;
  const where = a.kind === 'unix' ? { socketPath: a.path } : a.kind === 'tcp' ? { host: a.host, port: a.port } : {};
  return new Promise((resolve, reject) => {
    http.get({ ...where, agent: false }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (c: string) => (text += c)).on('end', () => resolve(text));
    }).on('error', reject);
  });
}

async function bound(text: string): Promise<ListeningSocket> {
  const [socket] = await bindAll([text], { backlog: 16, umask: 0o022, retries: 1 });
  assert.ok(socket);
  sockets.push(socket);
  return socket;
}

describe('inherited sockets', () => {
  it('systemd: LISTEN_PID/LISTEN_FDS give fd 3, the variables are removed, a worker serves on it', async () => {
    const socket = await bound('127.0.0.1:0');
    const report = await adopt('systemd', socket, { LISTEN_FDS: '1', LISTEN_FDNAMES: 'http', LISTEN_PID: '1' });
    assert.deepEqual(report.labels, [socket.label]);
    assert.deepEqual(report.env, [], 'workers must not inherit LISTEN_*');
    assert.equal(await get(socket), String(report.workerPid));
  });

  it('fd://3 wraps an open listening socket with its real address', async () => {
    const socket = await bound('127.0.0.1:0');
    const report = await adopt('fd', socket);
    assert.deepEqual(report.labels, [socket.label]);
    assert.equal(await get(socket), String(report.workerPid));
  });

  it('socketsFromFds (USR2) recovers a Unix socket path', async () => {
    const socket = await bound(`unix:${join(dir, 'usr2.sock')}`);
    const report = await adopt('fds', socket);
    assert.deepEqual(report.labels, [socket.label]);
    assert.equal(await get(socket), String(report.workerPid));
  });
});

describe('socketsFromSystemd without a matching LISTEN_PID', () => {
  it('returns null and still removes the variables', () => {
    const env: NodeJS.ProcessEnv = { LISTEN_PID: '1', LISTEN_FDS: '2', LISTEN_FDNAMES: 'a:b', KEEP: 'x' };
    assert.equal(socketsFromSystemd(env, process.pid), null);
    assert.deepEqual(env, { KEEP: 'x' });
    assert.equal(socketsFromSystemd({}, process.pid), null);
  });

  it('rejects a LISTEN_FDS that is not a number', () => {
    const env: NodeJS.ProcessEnv = { LISTEN_PID: String(process.pid), LISTEN_FDS: 'three' };
    assert.throws(() => socketsFromSystemd(env, process.pid), (err: unknown) => {
      assert.ok(err instanceof BindError);
      assert.match(err.message, /LISTEN_FDS="three" is not a number of sockets/);
      return true;
    });
  });
});
