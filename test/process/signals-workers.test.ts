// HUP, TTIN/TTOU and USR1 sent to the real arbiter. HUP re-reads the config file and the
// app code (workers 2 → 3, a new response) while requests keep succeeding; TTIN/TTOU add
// and remove one worker, the oldest leaving first; USR1 reopens the log files.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, ARBITER_FIXTURES, childPids, get, steadyLoad, Tracked, waitUntil, workersOf, readText } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-signals-workers-');

after(async () => {
  await tracked.cleanup();
  tmp.remove();
});

/** The arbiter's "booting worker" lines give each worker's pid in spawn order. */
function spawnOrder(lines: ReadonlyArray<{ msg?: string; [k: string]: unknown }>): number[] {
  return lines.filter((l) => l.msg === 'booting worker').map((l) => Number(l['worker_pid']));
}

describe('worker signals', () => {
  it('HUP re-reads the config and the app: 3 new workers, new code, no failed request', async () => {
    const appSource = readFileSync(join(ARBITER_FIXTURES, 'app.ts'), 'utf8');
    const app = tmp.write('hup/app.ts', appSource);
    const conf = tmp.write('hup/gunicorn.conf.ts', 'export default { workers: 2 };\n');
    const server = tracked.start(['-c', conf, '-b', '127.0.0.1:0', `${app}:app`], { cwd: tmp.path });
    const [url] = await server.listening();
    const old = await workersOf(server.pid, 2);
    assert.match((await get(url!)).body, /^version=one /);
    const load = steadyLoad(url!);
    writeFileSync(conf, 'export default { workers: 3 };\n');
    writeFileSync(app, appSource.replace("const VERSION = 'one'", "const VERSION = 'two'"));
    server.signal('SIGHUP');
    const fresh = await waitUntil('3 new workers and no old one', () => {
      const pids = childPids(server.pid);
      return pids.length === 3 && pids.every((p) => !old.includes(p)) ? pids : undefined;
    }, 30_000);
    for (const pid of old) await waitUntil(`old worker ${pid} to exit`, () => !isAlive(pid));
    const reply = await get(url!);
    assert.match(reply.body, /^version=two /);
    assert.ok(fresh.includes(Number(/pid=(\d+)/.exec(reply.body)?.[1])));
    const result = await load.stop();
    assert.deepEqual(result.failed, [], 'no request failed during the reload');
    assert.ok(result.ok > 0);
    assert.equal(server.logCount(/^Handling signal: hup$/), 1);
    // A config file that no longer validates: logged, and the running workers stay.
    writeFileSync(conf, "export default { workers: 'many' };\n");
    server.signal('SIGHUP');
    await server.waitForLog(/^Reload failed, keeping the running configuration: .*workers: "many"/s);
    assert.deepEqual(await workersOf(server.pid, 3), fresh.sort((a, b) => a - b));
    assert.equal((await get(url!)).status, 200);
    await server.stop();
  });

  it('TTIN adds a worker, TTOU removes the oldest', async () => {
    const server = tracked.start(['-w', '2', '-b', '127.0.0.1:0', APP]);
    const [url] = await server.listening();
    const first = await workersOf(server.pid, 2);
    server.signal('SIGTTIN');
    const three = await workersOf(server.pid, 3);
    const added = three.filter((p) => !first.includes(p));
    assert.equal(added.length, 1);
    // A worker still booting would be dismissed first (it serves nothing yet): wait until it is ready.
    await server.waitFor('the added worker to be ready', () => server.lines.some((l) => l.msg === 'worker ready' && l['worker_pid'] === added[0]));
    server.signal('SIGTTOU');
    const two = await workersOf(server.pid, 2);
    const [oldest] = spawnOrder(server.lines);
    assert.equal(two.includes(oldest!), false, `the oldest worker (${oldest}) left`);
    assert.ok(two.includes(added[0]!), 'the newest stayed');
    assert.equal((await get(url!)).status, 200);
    await server.stop();
  });

  it('USR1 reopens the error log (arbiter) and the access log (workers)', async () => {
    const errorLog = join(tmp.path, 'error.log');
    const accessLog = join(tmp.path, 'access.log');
    const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '--error-logfile', errorLog, '--access-logfile', accessLog, APP]);
    const url = await waitUntil('Listening at in the error log', () => /Listening at: (http:\S+)/.exec(readText(errorLog))?.[1]);
    await workersOf(server.pid, 1);
    await waitUntil('the worker to be ready', () => readText(errorLog).includes('worker ready'));
    assert.equal((await get(url, '/before')).status, 200);
    await waitUntil('the first access line', () => readText(accessLog).includes('/before'));
    renameSync(errorLog, `${errorLog}.1`);
    renameSync(accessLog, `${accessLog}.1`);
    server.signal('SIGUSR1');
    await waitUntil('the USR1 line in the old error log', () => readText(`${errorLog}.1`).includes('Handling signal: usr1'));
    server.signal('SIGTTIN'); // makes the arbiter log again
    await waitUntil('arbiter lines in the new error log', () => readText(errorLog).includes('"booting worker"'));
    assert.equal(readText(`${errorLog}.1`).split('"booting worker"').length - 1, 1, 'only the first worker is in the moved file');
    assert.equal((await get(url, '/after')).status, 200);
    await waitUntil('the access line in the new access log', () => readText(accessLog).includes('/after') || readText(`${accessLog}.1`).includes('/after'));
    assert.ok(readText(accessLog).includes('/after'), 'the worker writes to the reopened access log');
    assert.equal(readText(`${accessLog}.1`).includes('/after'), false);
    await server.stop();
  });
});

