// Gunicorn 26 / PM2 habits through the real binary: `-w auto`, each worker's
// NODE_APP_INSTANCE slot (inherited by the replacement of a worker killed with SIGKILL) and
// GUNICORN_WORKER_ID (both shown by `gunicorn-ts status`), `--threads 4` warning and serving concurrently, `-c *.py` refused
// clearly, and what `--log-level debug` adds.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { FIXTURES, runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import type { StatusReport } from '../../src/status/index.js';

const servers: ServerProcess[] = [];
const tmp = makeTempDir('gts-parity-');
after(async () => {
  for (const s of servers) await s.stop();
  tmp.remove();
});

function start(args: readonly string[]): ServerProcess {
  const server = startGunicorn(['-b', '127.0.0.1:0', ...args], { cwd: FIXTURES });
  servers.push(server);
  return server;
}

/** One GET on a new connection (no agent), so successive requests may reach different workers. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

interface Served { pid: number; instance: string; workerId: string }

/** Requests until every live worker has answered; the kernel spreads new connections unevenly, hence the loop. */
async function slotsByPid(url: string, pids: readonly number[]): Promise<Map<number, Served>> {
  const seen = new Map<number, Served>();
  for (let i = 0; i < 400 && pids.some((p) => !seen.has(p)); i++) {
    const body = JSON.parse((await get(`${url}/who`)).body) as Served;
    seen.set(body.pid, body);
  }
  assert.deepEqual([...seen.keys()].filter((p) => pids.includes(p)).sort(), [...pids].sort(), 'every worker answered');
  return seen;
}

describe('parity with Gunicorn 26 and PM2', () => {
  it('-w auto starts one worker per available CPU, and --print-config shows the number', async () => {
    const cpus = availableParallelism();
    const printed = await runGunicorn(['-w', 'auto', '--print-config', 'cli/hello.ts:app'], { cwd: FIXTURES });
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, new RegExp(`^workers\\s*=?\\s*${cpus}\\b`, 'm'));
    const server = start(['-w', 'auto', 'cli/hello.ts:app']);
    await server.waitFor(`${cpus} booted workers`, () => server.bootedPids().length === cpus);
    const max = await runGunicorn(['-w', 'max', '--print-config', 'cli/hello.ts:app'], { cwd: FIXTURES });
    assert.match(max.stdout, new RegExp(`^workers\\s*=?\\s*${cpus}\\b`, 'm'), 'PM2 spelling "max" too');
    await server.stop();
  });

  it('NODE_APP_INSTANCE is 0..N-1 and the replacement of a SIGKILLed worker inherits its slot, with a new GUNICORN_WORKER_ID', async () => {
    const control = `${tmp.path}/instance.ctl`;
    const server = start(['-w', '2', '--control-socket', control, 'apps/instance-app.ts']);
    const [url] = await server.listening();
    const first = await server.waitFor('2 booted workers', () => server.bootedPids().length === 2 && server.bootedPids());
    const before = await slotsByPid(url!, first);
    assert.deepEqual([...before.values()].map((s) => s.instance).sort(), ['0', '1']);
    const victim = first.find((p) => before.get(p)!.instance === '1')!;
    const survivor = first.find((p) => p !== victim)!;
    process.kill(victim, 'SIGKILL');
    const replacement = await server.waitFor('a replacement worker', () => server.bootedPids().find((p) => !first.includes(p)));
    const after = await slotsByPid(url!, [survivor, replacement]);
    assert.equal(after.get(replacement)!.instance, '1', 'the replacement took the slot of the worker it replaced');
    assert.equal(after.get(survivor)!.instance, '0', 'the survivor kept its slot');
    const ids = [before.get(victim)!.workerId, before.get(survivor)!.workerId, after.get(replacement)!.workerId];
    assert.equal(new Set(ids).size, 3, `GUNICORN_WORKER_ID is never reused: ${ids.join(', ')}`);
    // `status` shows each worker's slot: the one its app reads from NODE_APP_INSTANCE.
    const status = await runGunicorn(['status', '-s', control, '--json']);
    assert.equal(status.code, 0, status.stderr);
    const listed = (JSON.parse(status.stdout) as StatusReport).workers.map((w) => [w.pid, w.instance === null ? null : String(w.instance)]);
    assert.deepEqual(listed.sort(), [survivor, replacement].map((p) => [p, after.get(p)!.instance]).sort());
    const table = await runGunicorn(['status', '-s', control]);
    assert.match(table.stdout, new RegExp(`^${replacement}\\s+\\d+\\s+1\\s+`, 'm'), `the table's INSTANCE column:\n${table.stdout}`);
    await server.stop();
  });

  it('--threads 4 warns and maps to the async worker: one worker serves requests concurrently, even with -k sync', async () => {
    const server = start(['-w', '1', '--threads', '4', '-k', 'sync', 'apps/worker-app.ts']);
    const [url] = await server.listening();
    await server.waitForLog(/^worker ready$/);
    assert.match(server.stderr, /warning: threads 4: a Node worker has one JavaScript thread; it serves up to worker_connections requests at once.*"sync" becomes "async"/);
    await Promise.all([1, 2, 3].map(() => get(`${url}/slow?ms=400`)));
    assert.ok(Number((await get(`${url}/max`)).body) >= 2, 'requests overlapped in the one worker');
    await server.stop();
  });

  it('-c gunicorn.conf.py says Python config files cannot be read and how to convert one', async () => {
    const file = tmp.write('gunicorn.conf.py', "import multiprocessing\nbind = '127.0.0.1:8000'\nworkers = multiprocessing.cpu_count() * 2 + 1\n");
    for (const extra of [[], ['--check-config']]) {
      const r = await runGunicorn(['-c', file, ...extra, 'cli/hello.ts:app'], { cwd: FIXTURES });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /gunicorn\.conf\.py: Python config files cannot be read by gunicorn-ts\. Convert it to gunicorn\.conf\.ts/);
      assert.match(r.stderr, /workers: "auto"/);
      assert.doesNotMatch(r.stderr, /Unknown file extension|\n\s+at /);
    }
  });

  it('--log-level debug logs the resolved config at start, each request\'s method and path, and connection closes', async () => {
    const server = start(['-w', '1', '--log-level', 'debug', 'cli/hello.ts:app']);
    const [url] = await server.listening();
    await server.waitForLog(/^worker ready$/);
    const config = server.lines.find((l) => l.msg === 'Current configuration') as { config?: Record<string, unknown> } | undefined;
    assert.equal(config?.config?.['workers'], 1);
    assert.equal(config?.config?.['loglevel'], 'debug');
    await get(`${url}/debug/path?q=1`);
    await server.waitForLog(/^GET \/debug\/path\?q=1$/);
    await server.waitForLog(/^Closing connection\.$/);
    await server.stop();
    const quiet = start(['-w', '1', 'cli/hello.ts:app']);
    const [quietUrl] = await quiet.listening();
    await quiet.waitForLog(/^worker ready$/);
    await get(`${quietUrl}/info/path`);
    await get(`${quietUrl}/info/path`);
    await quiet.stop();
    assert.equal(quiet.logCount(/^GET \/info\/path$|^Closing connection\.$|^Current configuration$/), 0, 'nothing of it at info');
  });
});
