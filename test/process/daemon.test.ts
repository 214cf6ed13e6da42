// -D/--daemon with the real binary: the foreground exits 0 only once the daemon serves (own
// session, not a child of the foreground), exits 1 with the daemon's startup error, never
// hangs a `$(...)` capture; WINCH stops a daemon's workers and keeps its master.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindAll, type ListeningSocket } from '../../src/arbiter/sockets/index.js';
import { BIN, isAlive, runGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, ARBITER_FIXTURES, childPids, get, statOf, Tracked, waitUntil, workersOf, readText } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-daemon-');
const held: ListeningSocket[] = [];

after(async () => {
  await tracked.cleanup();
  for (const socket of held) socket.close();
  tmp.remove();
});

/** The daemon's pid from the foreground's "daemon started (pid N)" line, tracked for cleanup. */
function daemonPid(stdout: string): number {
  const match = /daemon started \(pid (\d+)\)/.exec(stdout);
  assert.ok(match, `no "daemon started" in ${JSON.stringify(stdout)}`);
  const pid = Number(match[1]);
  tracked.pid(pid);
  return pid;
}

describe('daemon', () => {
  it('exits 0 once the daemon serves; the daemon has its own session; WINCH stops its workers', async () => {
    const pidfile = join(tmp.path, 'd.pid');
    const log = join(tmp.path, 'd.log');
    const run = await runGunicorn(['-D', '-w', '2', '-b', '127.0.0.1:0', '-p', pidfile, '--error-logfile', log, APP]);
    assert.equal(run.code, 0, run.stderr);
    const pid = daemonPid(run.stdout);
    assert.equal(readFileSync(pidfile, 'utf8').trim(), String(pid));
    const url = /Listening at: (http:\S+)/.exec(readText(log))?.[1];
    assert.ok(url, 'the daemon logged its address');
    assert.equal((await get(url)).status, 200, 'it serves as soon as the foreground returned');
    const { session, ppid } = statOf(pid);
    assert.equal(session, pid, 'the daemon leads its own session');
    assert.notEqual(ppid, process.pid);
    await workersOf(pid, 2);
    process.kill(pid, 'SIGWINCH');
    await waitUntil('the daemon\'s workers to stop', () => childPids(pid).length === 0);
    assert.ok(isAlive(pid), 'the master stays');
    process.kill(pid, 'SIGTERM');
    await waitUntil('the daemon to exit', () => !isAlive(pid));
    assert.equal(existsSync(pidfile), false);
  });

  it('exits 1 with the daemon\'s error when the app fails to boot, and leaves nothing behind', async () => {
    const pidfile = join(tmp.path, 'boot.pid');
    const run = await runGunicorn(['-D', '-w', '1', '-b', '127.0.0.1:0', '-p', pidfile, `${ARBITER_FIXTURES}throws.ts`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /daemon/);
    assert.match(run.stderr, /cannot reach the database/, 'the app\'s own message reaches the foreground');
    await waitUntil('the pidfile to go', () => !existsSync(pidfile));
  });

  it('exits 1 with the daemon\'s error when the address is in use', async () => {
    const [busy] = await bindAll(['127.0.0.1:0'], { backlog: 8, umask: 0 });
    held.push(busy!);
    const run = await runGunicorn(['-D', '-w', '1', '-b', busy!.label, APP]);
    assert.equal(run.code, 1);
    assert.ok(run.stderr.includes(`Connection in use: ${busy!.label}`), run.stderr);
  });

  it('`out=$(gunicorn-ts -D ...)` returns: the daemon does not hold the foreground\'s stdout', async () => {
    const log = join(tmp.path, 'capture.log');
    const script = 'out=$("$@"); status=$?; printf "%s\\n" "$out"; exit $status';
    const env = { ...process.env };
    delete env['NODE_EXTRA_CA_CERTS'];
    const child = spawn('sh', ['-c', script, 'sh', process.execPath, BIN, '-D', '-w', '1', '-b', '127.0.0.1:0', '--error-logfile', log, APP], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    // A hang here is the bug under test: end it, and take the daemon's pid from its log.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const started = /"pid":(\d+)[^\n]*Starting gunicorn-ts/.exec(readText(log));
      if (started) tracked.pid(Number(started[1]));
    }, 30_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    const pid = daemonPid(stdout);
    assert.equal(code, 0);
    assert.ok(isAlive(pid));
    process.kill(pid, 'SIGTERM');
    await waitUntil('the daemon to exit', () => !isAlive(pid));
  });
});
