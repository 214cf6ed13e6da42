// `gunicorn-ts ctl` against a real master: every gunicornc command (show all|workers|stats|
// config|listeners, worker add|remove|kill, reload, reopen, shutdown graceful|quick, help),
// one-shot and interactive, JSON and text; the socket's mode and --no-control-socket; and a
// real other user (nobody, through setuid) refused by the socket's 0600 mode.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, isAlive, runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dir = makeTempDir('gts-ctl-');
// Other users may pass through this folder (so only the socket's own mode keeps them out).
chmodSync(dir.path, 0o755);
const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  dir.remove();
});
dir.write('app.ts', "export const app = (_q: unknown, s: { end(t: string): void }) => s.end('hello');\n");

let serial = 0;
async function start(extra: readonly string[] = [], workers = 2): Promise<{ server: ServerProcess; url: string; socket: string }> {
  const socket = join(dir.path, `ctl-${serial++}.sock`);
  const server = startGunicorn(['-b', '127.0.0.1:0', '-w', String(workers), '--control-socket', socket, ...extra, 'app.ts:app'], { cwd: dir.path });
  servers.push(server);
  const [url] = await server.listening();
  await server.waitFor(`${workers} booted workers`, () => server.bootedPids().length >= workers);
  await server.waitForLog(/^Control socket at: /);
  return { server, url: url!, socket };
}

async function ctl(socket: string, command: string, json = true): Promise<{ code: number | null; out: string; err: string; data: unknown }> {
  const { code, stdout, stderr } = await runGunicorn(['ctl', '-s', socket, '-c', command, ...(json ? ['-j'] : [])]);
  let data: unknown = null;
  if (json && code === 0) data = JSON.parse(stdout);
  return { code, out: stdout, err: stderr, data };
}

interface Obj { readonly [key: string]: unknown }
const obj = (v: unknown): Obj => v as Obj;

/** Runs `gunicorn-ts ctl` with lines on its standard input (interactive mode from a pipe). */
function interactive(socket: string, input: string, opts: { uid?: number; gid?: number } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'ctl', '-s', socket], { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}

describe('gunicorn-ts ctl', () => {
  it('show workers|all|stats|config|listeners, and help', async () => {
    const { server, url, socket } = await start(['--pid', join(dir.path, 'show.pid')]);
    for (let i = 0; i < 3; i++) await (await fetch(url)).text();
    const workers = obj((await ctl(socket, 'show workers')).data);
    assert.equal(workers['count'], 2);
    const rows = workers['workers'] as Obj[];
    assert.deepEqual(rows.map((w) => w['pid']).sort(), server.bootedPids().slice().sort());
    assert.equal(rows.reduce((n, w) => n + Number(w['requests']), 0), 3, 'request counts are current, not one heartbeat old');
    for (const w of rows) assert.ok(w['booted'] === true && typeof w['cpu'] === 'number' && typeof w['last_heartbeat'] === 'number');

    const all = obj((await ctl(socket, 'show all')).data);
    assert.equal(obj(all['arbiter'])['pid'], server.pid);
    assert.equal(all['web_worker_count'], 2);

    const stats = obj((await ctl(socket, 'show stats')).data);
    assert.equal(stats['pid'], server.pid);
    assert.deepEqual([stats['workers_current'], stats['workers_target'], stats['workers_spawned'], stats['reloads']], [2, 2, 2, 0]);

    const config = obj((await ctl(socket, 'show config')).data);
    assert.equal(config['workers'], 2);
    assert.equal(config['control_socket'], socket);

    const listeners = obj((await ctl(socket, 'show listeners')).data);
    assert.deepEqual((listeners['listeners'] as Obj[]).map((l) => [l['address'], l['type']]), [[url.replace(/\/$/, ''), 'tcp']]);

    const text = await ctl(socket, 'show listeners', false);
    assert.match(text.out, /^ADDRESS\s+TYPE\s+FD\n/);
    const help = await ctl(socket, 'help', false);
    for (const cmd of ['show all', 'worker add [N]', 'worker kill PID', 'shutdown [graceful|quick]']) assert.ok(help.out.includes(cmd), cmd);
    const bad = await ctl(socket, 'show nothing');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /show: expected all, workers, stats, config or listeners, got "nothing"/);
  });

  it('worker add N, worker remove N, worker kill PID', async () => {
    const { server, socket } = await start([], 1);
    assert.deepEqual((await ctl(socket, 'worker add 2')).data, { added: 2, previous: 1, total: 3 });
    await server.waitFor('3 workers booted', () => server.bootedPids().length >= 3);
    assert.deepEqual((await ctl(socket, 'worker remove 5')).data, { removed: 2, previous: 3, total: 1 }, 'never below one worker');
    await server.waitFor('back to one worker', () => server.lines.filter((l) => l.msg === 'worker exited').length >= 2);

    const [victim] = (obj((await ctl(socket, 'show workers')).data)['workers'] as Obj[]).map((w) => Number(w['pid']));
    assert.deepEqual((await ctl(socket, `worker kill ${victim}`)).data, { success: true, killed: victim });
    await server.waitFor(`worker ${victim} gone and replaced`, () => !isAlive(victim!) && server.bootedPids().length >= 4);
    const unknown = await ctl(socket, 'worker kill 999999', false);
    assert.equal(unknown.code, 1);
    assert.match(unknown.out, /Worker 999999 not found/);
  });

  it('reload and reopen take the paths of HUP and USR1', async () => {
    const { server, socket } = await start(['--access-logfile', join(dir.path, 'access.log')], 1);
    const [first] = server.bootedPids();
    assert.deepEqual((await ctl(socket, 'reload')).data, { status: 'reloading' });
    await server.waitForLog(/^Handling signal: hup$/);
    await server.waitFor('a new generation replaced the worker', () => server.bootedPids().length >= 2 && !isAlive(first!));
    assert.equal(obj((await ctl(socket, 'show stats')).data)['reloads'], 1);

    renameSync(join(dir.path, 'access.log'), join(dir.path, 'access.log.1'));
    assert.deepEqual((await ctl(socket, 'reopen')).data, { status: 'reopening' });
    await server.waitForLog(/^Handling signal: usr1$/);
    await server.waitFor('the access log reopened under its name', () => existsSync(join(dir.path, 'access.log')));
  });

  it('shutdown graceful and shutdown quick', async () => {
    const graceful = await start([], 1);
    assert.deepEqual((await ctl(graceful.socket, 'shutdown')).data, { status: 'shutting down', mode: 'graceful' });
    assert.deepEqual(await graceful.server.exited, { code: 0, signal: null });
    assert.equal(graceful.server.logCount(/^Handling signal: term$/), 1);
    assert.equal(existsSync(graceful.socket), false, 'the socket is removed');

    const quick = await start([], 1);
    assert.deepEqual((await ctl(quick.socket, 'shutdown quick')).data, { status: 'shutting down', mode: 'quick' });
    assert.deepEqual(await quick.server.exited, { code: 0, signal: null });
    assert.equal(quick.server.logCount(/^Handling signal: int$/), 1);
    const wrong = await start([], 1);
    const refused = await ctl(wrong.socket, 'shutdown now');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /shutdown: expected graceful or quick, got "now"/);
  });

  it('interactive: one command per line until quit; errors do not end the session', async () => {
    const { server, socket } = await start([], 1);
    const session = await interactive(socket, 'show stats\nbogus\nworker add\nquit\nshow stats\n');
    assert.equal(session.code, 1, 'a refused command makes the exit status 1');
    assert.match(session.out, new RegExp(`^Uptime:.*\\nPid:\\s+${server.pid}\\n`, 's'));
    assert.match(session.out, /added 1 worker\(s\): 1 -> 2\n/);
    assert.match(session.err, /error: unknown command "bogus": try help/);
    assert.equal(session.out.match(/^Uptime:/gm)?.length, 1, 'nothing after quit');
  });

  it('owner only: another user (nobody, by setuid) is refused by the 0600 socket; 0666 lets it in', async () => {
    const { socket } = await start([], 1);
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    const nobody = await interactive(socket, 'show stats\n', { uid: 65534, gid: 65534 });
    assert.equal(nobody.code, 4, nobody.err);
    assert.match(nobody.err, /permission denied/);

    const open = await start(['--control-socket-mode', '0666'], 1);
    assert.equal(statSync(open.socket).mode & 0o777, 0o666);
    const allowed = await interactive(open.socket, 'show stats\n', { uid: 65534, gid: 65534 });
    assert.equal(allowed.code, 0, `the mode, not the folder, kept nobody out: ${allowed.err}`);
    assert.match(allowed.out, /^Uptime:/m);
  });

  it('--no-control-socket starts none; --print-config shows the socket in use', async () => {
    const printed = await runGunicorn(['--print-config', '--pid', 'x.pid', 'app.ts:app'], { cwd: dir.path });
    assert.match(printed.stdout, new RegExp(`^# control socket in use: ${dir.path}/x\\.pid\\.ctl \\(pidfile\\)$`, 'm'));
    const defaulted = await runGunicorn(['--print-config', 'app.ts:app'], { cwd: dir.path, env: { XDG_RUNTIME_DIR: dir.path } });
    assert.match(defaulted.stdout, new RegExp(`^# control socket in use: ${dir.path}/gunicorn\\.ctl \\(default\\)$`, 'm'));
    const off = await runGunicorn(['--print-config', '--no-control-socket', 'app.ts:app'], { cwd: dir.path });
    assert.match(off.stdout, /^control_socket_disable\s+= true  # command line$/m);
    assert.match(off.stdout, /^# control socket in use: none$/m);

    const runtime = join(dir.path, 'runtime');
    dir.write('runtime/.keep', '');
    const server = startGunicorn(['-b', '127.0.0.1:0', '--no-control-socket', 'app.ts:app'], { cwd: dir.path, env: { XDG_RUNTIME_DIR: runtime } });
    servers.push(server);
    await server.listening();
    await server.waitFor('a worker booted', () => server.bootedPids().length >= 1);
    assert.equal(server.logCount(/^Control socket at: /), 0);
    assert.equal(existsSync(join(runtime, 'gunicorn.ctl')), false);
    const none = await runGunicorn(['ctl', '-c', 'show stats'], { env: { XDG_RUNTIME_DIR: runtime } });
    assert.equal(none.code, 3);
  });
});
