// Every bind form through the real binary: HOST:PORT with port 0, [::1]:0, unix:PATH (mode
// from --umask, removed on TERM, a stale file replaced), fd://N, several -b at once, an
// address in use (retried, then exit 1), and systemd socket activation (LISTEN_PID/FDS).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { bindAll, type ListeningSocket } from '../../src/arbiter/sockets/index.js';
import { BIN, ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, get, servedBy, Tracked } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-bind-forms-');
const held: ListeningSocket[] = [];

after(async () => {
  await tracked.cleanup();
  for (const socket of held) socket.close();
  tmp.remove();
});

/** Starts the binary with extra fds (index 3 on) in its stdio, in its own process group. */
function startWithFds(command: string, args: readonly string[], fds: readonly object[], env: NodeJS.ProcessEnv = {}): ServerProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete merged['NODE_EXTRA_CA_CERTS'];
  delete merged['GUNICORN_CMD_ARGS'];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', ...(fds as never[])], detached: true, env: merged });
  const server = new ServerProcess(child);
  tracked.pid(child.pid!);
  return server;
}

const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));

describe('bind forms', () => {
  it('HOST:PORT with port 0 logs the real port and serves there', async () => {
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', APP]);
    const [url] = await server.listening();
    assert.match(url!, /^http:\/\/127\.0\.0\.1:(\d+)$/);
    assert.notEqual(new URL(url!).port, '0');
    assert.equal((await get(url!)).status, 200);
    await server.stop();
  });

  it('[::1]:0 serves over IPv6 where the loopback has ::1, else fails with a clear error', async () => {
    const server = tracked.start(['-w', '1', '-b', '[::1]:0', APP]);
    if (hasIpv6Loopback) {
      const [url] = await server.listening();
      assert.match(url!, /^http:\/\/\[::1\]:\d+$/);
      assert.equal((await get(url!)).status, 200);
      await server.stop();
    } else {
      const { code } = await server.exited;
      assert.equal(code, 1);
      assert.match(server.stderr, /\[::1\]/);
    }
  });

  it('unix:PATH follows --umask, replaces a stale socket file and is removed on TERM', async () => {
    const path = join(tmp.path, 'app.sock');
    // A server that bound the path and died without closing it leaves a stale socket file.
    const stale = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.exit(0))`]);
    assert.equal(stale.status, 0);
    assert.ok(lstatSync(path).isSocket(), 'the stale socket file exists');
    const server = tracked.start(['-w', '1', '-b', `unix:${path}`, '--umask', '0o077', APP]);
    const [url] = await server.listening();
    assert.equal(url, `unix:${path}`);
    assert.equal(lstatSync(path).mode & 0o777, 0o700);
    assert.equal((await get(url!)).status, 200);
    server.signal('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.equal(existsSync(path), false, 'the socket file is removed on a clean shutdown');
  });

  it('fd://N serves on a socket passed in the stdio', async () => {
    const [socket] = await bindAll(['127.0.0.1:0'], { backlog: 16, umask: 0 });
    held.push(socket!);
    const server = startWithFds(process.execPath, [BIN, '-w', '1', '-b', 'fd://3', APP], [socket!.handle]);
    const [url] = await server.listening();
    assert.equal(url, `http://${socket!.label}`);
    assert.equal((await get(url!)).status, 200);
    await server.stop();
  });

  it('several -b: every address listens and serves', async () => {
    const path = join(tmp.path, 'multi.sock');
    const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', '-b', `unix:${path}`, APP]);
    const urls = await server.listening(2);
    assert.equal(urls.length, 2);
    assert.equal(urls[1], `unix:${path}`);
    for (const url of urls) assert.equal((await get(url)).status, 200);
    await server.stop();
  });

  it('an address in use is retried, then fails with a clear message and exit 1', async () => {
    const [busy] = await bindAll(['127.0.0.1:0'], { backlog: 16, umask: 0 });
    held.push(busy!);
    const server = tracked.start(['-w', '1', '-b', busy!.label, APP]);
    const { code } = await server.exited;
    assert.equal(code, 1);
    assert.equal(server.logCount(/^Connection in use: /), 4, 'four retries after the first attempt');
    assert.ok(server.stderr.includes(`error: Connection in use: ${busy!.label} (tried 5 times`), server.stderr);
    assert.doesNotMatch(server.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(server.logCount(/^Booting worker/), 0, 'no worker started');
  });

  it('systemd: LISTEN_PID/LISTEN_FDS give the socket at fd 3 instead of binding', async () => {
    const [socket] = await bindAll(['127.0.0.1:0'], { backlog: 16, umask: 0 });
    held.push(socket!);
    const unused = join(tmp.path, 'not-bound.sock');
    // systemd execs the service in place, so LISTEN_PID is the pid the service runs as: $$ here.
    const script = `LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" "$@"`;
    const server = startWithFds('sh', ['-c', script, process.execPath, BIN, '-w', '1', '-b', `unix:${unused}`, APP], [socket!.handle]);
    const [url] = await server.listening();
    assert.equal(url, `http://${socket!.label}`);
    const reply = await get(url!);
    assert.equal(reply.status, 200);
    assert.notEqual(servedBy(reply), server.pid, 'a worker serves, not the arbiter');
    assert.equal(existsSync(unused), false, 'the configured bind is not used');
    await server.stop();
  });
});
