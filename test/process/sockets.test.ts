// The arbiter's sockets with real processes: bound and listening before any worker, never
// accepted by the binding process, shared by workers through spawn's stdio, and surviving
// the death of every worker with the waiting connection served by the next one.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindAll, type ListeningSocket } from '../../src/arbiter/sockets/index.js';

const workerScript = fileURLToPath(new URL('../../../test/fixtures/sockets/worker.mjs', import.meta.url));
const BACKLOG = 64;
const children = new Set<ChildProcess>();
const sockets: ListeningSocket[] = [];
const dir = mkdtempSync(join(tmpdir(), 'gts-sockets-'));

after(() => {
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }
  for (const socket of sockets) socket.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startWorker(socket: ListeningSocket): Promise<ChildProcess> {
  const child = spawn(process.execPath, [workerScript, '4', String(BACKLOG)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc', socket.handle as never],
  });
  children.add(child);
  const [message] = (await once(child, 'message')) as [unknown];
  assert.deepEqual(message, { listening: true });
  return child;
}

async function killAll(workers: ChildProcess[]): Promise<void> {
  for (const w of workers) {
    const exited = once(w, 'exit');
    process.kill(w.pid as number, 'SIGKILL');
    await exited;
  }
}

function target(socket: ListeningSocket): { host: string; port: number } | { socketPath: string } {
  const a = socket.address;
  if (a.kind === 'tcp') return { host: a.host, port: a.port };
  if (a.kind === 'unix') return { socketPath: a.path };
  throw new Error(`no client for ${socket.label}`);
}

/** GET / on a new connection; `onConnect` fires once the kernel completed the handshake. */
function get(socket: ListeningSocket, onConnect?: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ ...target(socket), path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.on('socket', (s: net.Socket) => s.once('connect', () => onConnect?.()));
  });
}

/** Recv-Q and Send-Q of the listening socket as `ss` reports them: queued connections and backlog. */
function listenQueue(socket: ListeningSocket): { queued: number; backlog: number } {
  const a = socket.address;
  const local = a.kind === 'unix' ? a.path : socket.label; // ss prints TCP as 127.0.0.1:P / [::1]:P
  const table = execFileSync('ss', [a.kind === 'unix' ? '-Hlxn' : '-Hltn'], { encoding: 'utf8' });
  for (const line of table.split('\n')) {
    // Whatever comes first (Netid for unix), the columns end in: Recv-Q Send-Q Local-Address ...
    const cols = line.trim().split(/\s+/);
    const at = cols.indexOf(local);
    if (at >= 2) return { queued: Number(cols[at - 2]), backlog: Number(cols[at - 1]) };
  }
  throw new Error(`${socket.label} is not listed as listening by ss`);
}

async function waitForQueued(socket: ListeningSocket, n: number): Promise<void> {
  while (listenQueue(socket).queued < n) await new Promise((r) => setTimeout(r, 20));
}

function servesAcrossWorkerDeaths(bindText: () => string): () => Promise<void> {
  return async () => {
    const [socket] = await bindAll([bindText()], { backlog: BACKLOG, umask: 0o022, retries: 1 });
    assert.ok(socket);
    sockets.push(socket);
    assert.equal(listenQueue(socket).backlog, BACKLOG, 'backlog honoured');

    // Before any worker: connections complete and wait in the kernel queue; nobody accepts.
    const early = [get(socket), get(socket), get(socket)];
    await waitForQueued(socket, 3);
    assert.equal(listenQueue(socket).queued, 3, 'the binding process accepted none');

    const workers = [await startWorker(socket), await startWorker(socket)];
    const pids = workers.map((w) => String(w.pid));
    for (const body of await Promise.all(early)) assert.ok(pids.includes(body), `served by a worker: ${body}`);
    for (let i = 0; i < 6; i++) assert.ok(pids.includes(await get(socket)));
    assert.equal(listenQueue(socket).backlog, BACKLOG, 'workers kept the backlog');

    await killAll(workers);
    // With no worker alive the connection still completes (a refusal would reject `waiting`).
    let connected = (): void => undefined;
    const handshake = new Promise<void>((resolve) => (connected = resolve));
    const waiting = get(socket, () => connected());
    await Promise.race([handshake, waiting.then(() => assert.fail('served with no worker alive'))]);
    await waitForQueued(socket, 1);

    const next = await startWorker(socket);
    assert.equal(await waiting, String(next.pid), 'the waiting request is served by the new worker');
    await killAll([next]);
  };
}

describe('sockets shared with workers', () => {
  it('TCP: queued before workers, served by 2 workers, survives all of them dying', servesAcrossWorkerDeaths(() => '127.0.0.1:0'));

  it('Unix: same, and the file mode reflects the umask', async () => {
    const path = join(dir, 'app.sock');
    await servesAcrossWorkerDeaths(() => `unix:${path}`)();
    assert.equal(statSync(path).mode & 0o777, 0o755);
  });

  it('fills in the real port when port 0 was asked', async () => {
    const [socket] = await bindAll(['127.0.0.1:0'], { backlog: 8, umask: 0o022 });
    assert.ok(socket);
    sockets.push(socket);
    assert.equal(socket.address.kind, 'tcp');
    assert.ok(socket.address.kind === 'tcp' && socket.address.port > 0);
    assert.equal(socket.label, `127.0.0.1:${socket.address.kind === 'tcp' ? socket.address.port : ''}`);
    assert.equal(typeof socket.fd, 'number');
  });
});
