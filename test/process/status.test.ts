// `gunicorn-ts status` against a real master: the control socket next to the
// pidfile or at --control-socket, mode 0600, the table and --json with each worker's pid,
// state, age, requests, memory and heartbeat; clear errors when no master answers.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN, runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import type { StatusReport } from '../../src/status/index.js';

const dir = makeTempDir('gts-status-');
const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  dir.remove();
});

const APP = 'logging/app.ts:app';

async function start(args: readonly string[], workers = 2): Promise<{ server: ServerProcess; url: string }> {
  // timeout 30: a heartbeat every 5 s, so counts seen at once come from the master asking.
  const server = startGunicorn(['-b', '127.0.0.1:0', '-w', String(workers), '--timeout', '30', ...args, APP]);
  servers.push(server);
  const [url] = await server.listening();
  await server.waitFor(`${workers} booted workers`, () => server.bootedPids().length >= workers);
  return { server, url: url! };
}

function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

async function statusJson(args: readonly string[]): Promise<StatusReport> {
  const { code, stdout, stderr } = await runGunicorn(['status', ...args, '--json']);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as StatusReport;
}

describe('gunicorn-ts status', () => {
  it('--pid FILE: the table and --json list every worker with state, age, requests, memory and heartbeat', async () => {
    const pidfile = join(dir.path, 'app.pid');
    const { server, url } = await start(['--pid', pidfile]);
    const socket = `${pidfile}.ctl`;
    assert.equal(statSync(socket).mode & 0o777, 0o600, 'owner-only control socket');
    assert.ok(statSync(socket).isSocket());
    for (let i = 0; i < 4; i++) await get(`${url}/`);

    // Up to date at once: the master asks the workers for their counts before it answers.
    const report = await statusJson(['--pid', pidfile]);
    assert.equal(report.master.pid, server.pid);
    assert.equal(report.master.phase, 'running');
    assert.equal(report.master.workers, 2);
    assert.deepEqual(report.workers.map((w) => w.pid).sort(), server.bootedPids().slice().sort());
    assert.equal(report.workers.reduce((n, w) => n + w.requests, 0), 4, 'requests served, summed over workers');
    for (const w of report.workers) {
      assert.equal(w.state, 'ready');
      assert.ok(w.age >= 0 && w.lastBeat >= 0 && w.lastBeat <= w.age);
      assert.ok(w.rss !== null && w.rss > 1024 * 1024, 'resident memory in bytes');
    }
    assert.deepEqual(report.workers.map((w) => w.instance).sort(), [0, 1], 'NODE_APP_INSTANCE slots');

    const table = await runGunicorn(['status', '--pid', pidfile]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, new RegExp(`^master ${server.pid} .*running.* 2 of 2 workers$`));
    assert.match(lines[1]!, /^restarts: 0 unplanned, 2 workers started, 0 reloads$/);
    assert.match(lines[2]!, /^PID\s+ID\s+INSTANCE\s+GEN\s+STATE\s+AGE\s+REQUESTS\s+CPU\s+RSS\s+LAST BEAT$/);
    assert.doesNotMatch(table.stdout, /\u001b\[/, 'no colour when stdout is not a terminal');
    for (const pid of server.bootedPids()) {
      assert.ok(lines.some((l) => new RegExp(`^${pid}\\s+\\d+\\s+[01]\\s+\\d+\\s+ready\\s+\\S+\\s+\\d+\\s+[\\d.]+%\\s+[\\d.]+ MiB\\s+\\S+ ago$`).test(l)), `a row for ${pid}:\n${table.stdout}`);
    }
  });

  it('--control-socket PATH; after the master stops, a clear error and exit status 3', async () => {
    const socket = join(dir.path, 'explicit.sock');
    const { server } = await start(['--control-socket', socket], 1);
    const report = await statusJson(['--control-socket', socket]);
    assert.equal(report.workers.length, 1);
    assert.equal(report.workers[0]!.pid, server.bootedPids()[0]);
    server.signal('SIGTERM');
    await server.exited;
    assert.equal(existsSync(socket), false, 'the master removes its socket');
    const after = await runGunicorn(['status', '--control-socket', socket]);
    assert.equal(after.code, 3);
    assert.match(after.stderr, /^gunicorn-ts status: no control socket at .*explicit\.sock/);
  });

  it('a stale socket (master killed) is refused with exit status 3, and a new master replaces it', async () => {
    const socket = join(dir.path, 'stale.sock');
    const first = await start(['--control-socket', socket], 1);
    await first.server.stop(); // SIGKILL: the socket file stays behind
    assert.ok(existsSync(socket));
    const refused = await runGunicorn(['status', '--control-socket', socket]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /refused the connection: no master is listening/);
    const second = await start(['--control-socket', socket], 1);
    assert.equal((await statusJson(['--control-socket', socket])).master.pid, second.server.pid);
  });

  it('usage errors: no master at the default socket, unknown option, missing pidfile', async () => {
    const none = await runGunicorn(['status']);
    assert.equal(none.code, 3);
    assert.match(none.stderr, /no control socket at .*\/gunicorn\.ctl/);
    const unknown = await runGunicorn(['status', '--bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--bogus'/);
    const missing = await runGunicorn(['status', '--pid', join(dir.path, 'nope.pid')]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /no pidfile at .*nope\.pid/);
    assert.doesNotMatch(none.stderr + unknown.stderr + missing.stderr, /\n\s+at /, 'no stack trace');
  });

  it('--watch redraws until interrupted; colour only on a terminal (through script(1))', async () => {
    const socket = join(dir.path, 'watch.sock');
    await start(['--control-socket', socket], 1);
    const watcher = spawn(process.execPath, [BIN, 'status', '-s', socket, '--watch', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const closed = new Promise<number | null>((resolve) => watcher.on('close', resolve));
    const deadline = Date.now() + 10_000;
    while ((out.match(/^master /gm)?.length ?? 0) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    watcher.kill('SIGINT');
    assert.equal(await closed, 0);
    assert.ok((out.match(/^master /gm)?.length ?? 0) >= 3, `three frames:\n${out}`);
    assert.doesNotMatch(out, /\u001b/, 'no escape codes into a pipe');

    // script(1) gives the command a real terminal: the states are coloured, the view redraws in place.
    const command = `${process.execPath} ${BIN} status -s ${socket}`;
    const { stdout: tty } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '' } });
    assert.match(tty, /\u001b\[32mready/, 'ready in green on a terminal');
    const { stdout: plain } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } });
    assert.doesNotMatch(plain, /\u001b\[32m/, 'NO_COLOR turns colour off');
  });

  it('a default socket already served by another master is left to it, with a warning', async () => {
    const runtime = makeTempDir('gts-status-runtime-');
    try {
      const first = startGunicorn(['-b', '127.0.0.1:0', APP], { env: { XDG_RUNTIME_DIR: runtime.path } });
      servers.push(first);
      await first.waitForLog(/^Control socket at: /);
      const second = startGunicorn(['-b', '127.0.0.1:0', APP], { env: { XDG_RUNTIME_DIR: runtime.path } });
      servers.push(second);
      await second.waitForLog(/^Control socket .*gunicorn\.ctl is in use by another gunicorn-ts or gunicorn master: this one has no control socket/);
      const { stdout, code } = await runGunicorn(['status', '--json'], { env: { XDG_RUNTIME_DIR: runtime.path } });
      assert.equal(code, 0);
      assert.equal((JSON.parse(stdout) as StatusReport).master.pid, first.pid, 'the first master keeps its socket');
      await first.stop();
      await second.stop();
    } finally {
      runtime.remove();
    }
  });
});
