// HUP applies a changed configuration as a start would, through the real binary: a new
// address in `bind` serves and a removed one stops listening once its workers drained, with
// no failed request under load; logging and the pidfile follow the new settings; a setting
// only a new master can apply is named in a warning; a config that cannot apply is refused whole.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir.js';
import { startGunicorn, type ServerProcess } from '../helpers/server.js';
import { acceptingTimeline, countLines, LoadClient } from './replacement-support.js';

const servers: ServerProcess[] = [];
const dir = makeTempDir('gunicorn-ts-hup-config-');
after(async () => {
  for (const s of servers) await s.stop();
  dir.remove();
});

const APP = 'reload/gated-app.mjs';

function writeConfig(name: string, settings: Record<string, unknown>): string {
  return dir.write(name, `export default ${JSON.stringify(settings)};\n`);
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function jsonLines(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('HUP applies the new configuration', { timeout: 120_000 }, () => {
  it('moves bind under load: the new address serves, the removed one closes after its workers drained, nothing fails', async () => {
    const gate = join(dir.path, 'gate');
    writeFileSync(gate, '');
    const keep = join(dir.path, 'keep.sock');
    const added = join(dir.path, 'new.sock');
    const conf = writeConfig('bind.conf.mjs', { bind: [`unix:${keep}`, '127.0.0.1:0'], workers: 2 });
    const server = startGunicorn(['-c', conf, APP], { env: { GTS_GATE: gate } });
    servers.push(server);
    const [, oldUrl] = await server.listening(2);
    const oldPort = Number(new URL(oldUrl!).port);
    await server.waitFor('2 ready workers', () => countLines(server, 'worker ready') >= 2);
    const oldPids = new Set(server.lines.filter((l) => l.msg === 'booting worker').map((l) => l['worker_pid'] as number));

    // A client on the address that stays, through the whole reload, and one on the address that goes.
    const onKept = new LoadClient('http://localhost/', { concurrency: 4, socketPath: keep, maxMs: 90_000 }).start();
    const onOld = new LoadClient(`${oldUrl}/`, { concurrency: 4, maxMs: 90_000 }).start();
    await server.waitFor('both clients served', () => onKept.ok > 50 && onOld.ok > 50);

    // The new generation cannot boot until the gate reopens, so the old workers serve both
    // addresses meanwhile, as a slow boot would have them do.
    rmSync(gate);
    writeConfig('bind.conf.mjs', { bind: [`unix:${keep}`, `unix:${added}`], workers: 2 });
    server.signal('SIGHUP');
    await server.waitForLog(new RegExp(`^Listening at: unix:${added}`));
    // The operator points traffic at the new address (it queues there until a worker boots)
    // and the old address's client finishes what it has in flight.
    const onNew = new LoadClient('http://localhost/', { concurrency: 4, socketPath: added, maxMs: 90_000 }).start();
    await onOld.stop();
    writeFileSync(gate, '');

    await server.waitForLog(/^Stopped listening at: http:\/\/127\.0\.0\.1:/, 30_000);
    await server.waitFor('the new address served 50 requests', () => onNew.ok > 50, 30_000);
    await Promise.all([onKept.stop(), onNew.stop()]);

    assert.deepEqual(onOld.errors, []);
    assert.deepEqual(onKept.errors, []);
    assert.deepEqual(onNew.errors, []);
    assert.equal(await refused(oldPort), 'ECONNREFUSED', 'the removed address no longer listens');
    assert.ok([...onNew.pids.keys()].every((pid) => !oldPids.has(pid)), 'the new address is served by the new generation only');
    assert.ok([...onOld.pids.keys()].every((pid) => oldPids.has(pid)));
    assert.equal(acceptingTimeline(server, 2).min, 2, 'never fewer than 2 accepting workers');
    assert.equal(countLines(server, 'worker exited', (l) => l['gen'] === 0), 2, 'the old workers drained and exited');
    assert.equal(server.child.exitCode, null);
  });

  it('re-applies logging, moves the pidfile, warns about daemon, and refuses a pidfile it cannot write', async () => {
    const oldPid = join(dir.path, 'a.pid');
    const newPid = join(dir.path, 'b.pid');
    const errorLog = join(dir.path, 'error.log');
    const accessLog = join(dir.path, 'access.log');
    const conf = writeConfig('log.conf.mjs', { bind: ['127.0.0.1:0'], workers: 1, pidfile: oldPid });
    const server = startGunicorn(['-c', conf, APP]);
    servers.push(server);
    const [url] = await server.listening();
    await server.waitFor('a ready worker', () => countLines(server, 'worker ready') >= 1);
    assert.equal(readFileSync(oldPid, 'utf8').trim(), String(server.pid));

    writeConfig('log.conf.mjs', {
      bind: ['127.0.0.1:0'], workers: 1, pidfile: newPid, errorlog: errorLog, accesslog: accessLog, loglevel: 'warning', daemon: true,
    });
    const before = server.lines.length;
    server.signal('SIGHUP');
    await server.waitFor('the moved pidfile', () => existsSync(newPid) && readFileSync(newPid, 'utf8').trim() === String(server.pid));
    assert.equal(existsSync(oldPid), false, 'the old pidfile is removed');
    // Only the new generation writes an access log: its first line says a new worker serves.
    const logged = (): boolean => existsSync(accessLog) && readFileSync(accessLog, 'utf8').includes('"GET / HTTP/1.1" 200');
    const deadline = Date.now() + 20_000;
    while (!logged() && Date.now() < deadline) {
      await fetch(`${url}/`).then((r) => r.text());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(logged(), 'a request served by the new generation is in the new access log');
    const warning = jsonLines(errorLog).find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('Reload cannot apply daemon'));
    assert.ok(warning, `the daemon warning is in the new error log: ${readFileSync(errorLog, 'utf8')}`);
    assert.equal(warning['level'], 'warning');
    assert.equal(warning['setting'], 'daemon');
    assert.match(warning['msg'] as string, /keeps false, a restart applies it$/);
    assert.deepEqual(jsonLines(errorLog).filter((l) => l['level'] === 'info'), [], 'loglevel warning holds in master and new workers');
    const later = server.lines.slice(before).filter((l) => !l['raw']);
    assert.ok(later.every((l) => l.msg !== 'worker ready' && !/^Booting worker/.test(l.msg ?? '')), 'the master and the new worker no longer log to stderr');
    assert.equal(server.child.exitCode, null, 'still running in the foreground');

    writeConfig('log.conf.mjs', { bind: ['127.0.0.1:0'], workers: 1, pidfile: '/no/such/dir/x.pid', errorlog: errorLog, loglevel: 'warning' });
    server.signal('SIGHUP');
    await server.waitFor('the refusal in the error log', () => jsonLines(errorLog).find((l) => /^Reload failed, keeping the running configuration: pidfile: cannot write \/no\/such\/dir\/x\.pid/.test(String(l['msg']))));
    assert.equal(readFileSync(newPid, 'utf8').trim(), String(server.pid), 'the running pidfile stays');
    assert.equal(await fetch(`${url}/`).then((r) => r.status), 200);

    server.signal('SIGTERM');
    assert.equal((await server.exited).code, 0);
    assert.equal(existsSync(newPid), false, 'a clean stop removes the moved pidfile');
  });
});
