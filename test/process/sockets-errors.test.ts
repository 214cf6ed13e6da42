// Binding failures and Unix socket file lifetime, with real sockets and processes: an
// address in use fails clearly after the retries, a stale socket file is replaced, a live
// one is refused, and the path survives a process.exit() (USR2 handover) but not close().
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, fstatSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BindOptions, BindError, bindAll, bindAndListen, type ListeningSocket } from '../../src/arbiter/sockets/index.js';
import { bindTcp } from '../../src/arbiter/sockets/native-handle.js';

const fixtures = new URL('../../../test/fixtures/sockets/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'gts-sockets-err-'));
const children = new Set<ChildProcess>();
const sockets: ListeningSocket[] = [];
const fast: BindOptions = { backlog: 16, umask: 0o022, retries: 1, retryDelayMs: 50 };

after(() => {
  for (const child of children) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }
  for (const socket of sockets) socket.close();
  rmSync(dir, { recursive: true, force: true });
});

async function bindKept(text: string): Promise<ListeningSocket> {
  const [socket] = await bindAll([text], fast);
  assert.ok(socket);
  sockets.push(socket);
  return socket;
}

async function rejectsWith(addresses: string[], opts: BindOptions, code: string, message: RegExp): Promise<void> {
  await assert.rejects(bindAll(addresses, opts), (err: unknown) => {
    assert.ok(err instanceof BindError, `a BindError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

function run(script: string, args: string[], stdio: 'ignore' | ['ignore', 'inherit', 'inherit', 'ipc', object] = 'ignore'): ChildProcess {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, fixtures)), ...args], { stdio: stdio as never });
  children.add(child);
  return child;
}

describe('bind errors', () => {
  it('an address in use fails with "Connection in use" after the retries', async () => {
    const held = await bindKept('127.0.0.1:0');
    await rejectsWith([held.label], fast, 'EADDRINUSE', new RegExp(`^Connection in use: ${held.label} \\(tried once\\)$`));
    const retried: Array<[string, number]> = [];
    const opts = { ...fast, retries: 2, onRetry: (label: string, attempt: number) => void retried.push([label, attempt]) };
    await rejectsWith([held.label], opts, 'EADDRINUSE', /tried 2 times, 50 ms apart/);
    assert.deepEqual(retried, [[held.label, 1]]);
  });

  it('releases what it bound when a later address fails', async () => {
    const held = await bindKept('127.0.0.1:0');
    const path = join(dir, 'partial.sock');
    await rejectsWith([`unix:${path}`, held.label], fast, 'EADDRINUSE', /Connection in use/);
    assert.equal(existsSync(path), false);
  });

  it('a socket that cannot listen rejects `listening` after bindAndListen returned, and is closed', async () => {
    // Two sockets bound to one port (SO_REUSEADDR, as libuv binds); once the first listens,
    // the second cannot. bindAndListen takes the second as fd://N and returns before its
    // listen helper has run; `listening` reports the failure.
    const first = bindTcp('127.0.0.1', 0, 4);
    const second = bindTcp('127.0.0.1', first.port, 4);
    const server = net.createServer().listen({ fd: first.fd });
    try {
      const { sockets: bound, listening } = await bindAndListen([`fd://${second.fd}`], fast);
      assert.equal(bound.length, 1);
      await assert.rejects(listening, (err: unknown) => {
        assert.ok(err instanceof BindError, `a BindError, got ${String(err)}`);
        assert.equal(err.code, 'EADDRINUSE');
        assert.equal(err.message, `Connection in use: 127.0.0.1:${first.port}`);
        return true;
      });
      assert.throws(() => fstatSync(second.fd), { code: 'EBADF' }, 'the socket that could not listen is closed');
    } finally {
      server.close();
    }
  });

  it('names bad input instead of failing with a stack trace', async () => {
    await rejectsWith(['127.0.0.1:99999'], fast, 'EBADADDRESS', /invalid bind address "127.0.0.1:99999": the port 99999 is out of range/);
    await rejectsWith([`unix:${join(dir, 'no-such-dir', 'a.sock')}`], fast, 'ENOENT', /its directory does not exist/);
    await rejectsWith([`unix:${dir}/${'x'.repeat(120)}.sock`], fast, 'ENAMETOOLONG', /too long for a Unix socket/);
    await rejectsWith(['fd://987'], fast, 'EBADF', /^Cannot use fd:\/\/987: the file descriptor is not open$/);
    await rejectsWith(['203.0.113.7:0'], fast, 'EADDRNOTAVAIL', /Cannot bind 203.0.113.7:0: this machine has no such address/);
  });

  it('IPv6 [::1]:0 binds and serves where ::1 exists, else fails clearly', async () => {
    const hasLoopback6 = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
    if (!hasLoopback6) {
      await rejectsWith(['[::1]:0'], fast, 'EADDRNOTAVAIL', /Cannot bind \[::1\]:0/);
      return;
    }
    const socket = await bindKept('[::1]:0');
    assert.match(socket.label, /^\[::1\]:[1-9]\d*$/);
    const worker = run('worker.mjs', [], ['ignore', 'inherit', 'inherit', 'ipc', socket.handle]);
    await once(worker, 'message');
    const port = socket.address.kind === 'tcp' ? socket.address.port : 0;
    const body = await new Promise<string>((resolve, reject) => {
      http.get({ host: '::1', port, agent: false }, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (c: string) => (text += c)).on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.equal(body, String(worker.pid));
    const exited = once(worker, 'exit');
    process.kill(worker.pid as number, 'SIGKILL');
    await exited;
  });
});

describe('Unix socket file lifetime', () => {
  it('survives process.exit(), is replaced when stale, refused when live, removed by close()', async () => {
    const path = join(dir, 'handover.sock');
    const child = run('bind-and-exit.mjs', [path]);
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 0);
    assert.ok(lstatSync(path).isSocket(), 'the path outlives a process that exits without close()');

    const socket = await bindKept(`unix:${path}`); // stale: nobody listens on the old file
    await rejectsWith([`unix:${path}`], fast, 'EADDRINUSE', new RegExp(`^Connection in use: unix:${path} \\(tried once\\)$`));
    assert.ok(lstatSync(path).isSocket(), 'a refused bind leaves the live socket alone');
    socket.close();
    assert.equal(existsSync(path), false, 'close() removes the path');
  });

  it('never deletes a path that is not a socket', async () => {
    const path = join(dir, 'regular-file');
    writeFileSync(path, 'keep me');
    await rejectsWith([`unix:${path}`], fast, 'EEXIST', /the path exists and is not a socket/);
    assert.equal(readFileSync(path, 'utf8'), 'keep me');
  });
});
