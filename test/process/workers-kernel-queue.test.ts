// Connections a full worker cannot take wait in the kernel queue, where any worker with room
// accepts them: a busy sync worker leaves new connections to an idle one, and an async worker
// at worker_connections leaves them queued (read from /proc/net/tcp) until a worker has room,
// here a second worker added with TTIN while the first stays full.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { FIXTURES, startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitUntil } from '../helpers/debian.js';

const servers: ServerProcess[] = [];
const dir = makeTempDir('gunicorn-ts-kernel-queue-');
after(async () => {
  for (const s of servers) await s.stop();
  dir.remove();
});

/** GET on a new connection; rejects after `ms` so a request stuck behind a busy worker fails the test. */
function get(url: string, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; });
      res.on('end', () => resolve(text));
    });
    req.setTimeout(ms, () => req.destroy(new Error(`no answer to ${url} within ${ms} ms`)));
    req.on('error', reject).end();
  });
}

/** Depth of the accept queue of the socket listening on 127.0.0.1:port (rx_queue of its LISTEN row). */
function listenQueueDepth(port: number): number {
  const wanted = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1] === wanted && cols[3] === '0A') return parseInt(cols[4]!.split(':')[1]!, 16);
  }
  throw new Error(`no LISTEN row for 127.0.0.1:${port}`);
}

async function serve(args: readonly string[], workers: number): Promise<{ server: ServerProcess; url: string; port: number }> {
  const server = startGunicorn(['-b', '127.0.0.1:0', ...args, 'workers/hold-app.mjs'], { cwd: FIXTURES });
  servers.push(server);
  const [url] = await server.listening();
  await server.waitFor(`${workers} booted workers`, () => server.bootedPids().length >= workers);
  return { server, url: url!, port: Number(new URL(url!).port) };
}

describe('connections over a worker\'s limit wait in the kernel queue', () => {
  it('sync: while one worker is busy, every new connection is served by the idle one', async () => {
    const { server, url } = await serve(['-w', '2', '-k', 'sync'], 2);
    const release = join(dir.path, 'release-sync');
    const started = join(dir.path, 'started-sync');
    const held = get(`${url}/hold?file=${encodeURIComponent(release)}&started=${encodeURIComponent(started)}`, 60_000);
    await waitUntil('the held request in a worker', () => existsSync(started), 15_000);
    const served: string[] = [];
    for (let i = 0; i < 12; i++) served.push(await get(`${url}/`));
    const pids = new Set(served);
    assert.equal(pids.size, 1, `all 12 were served by the idle worker, got ${[...pids].join(', ')}`);
    writeFileSync(release, '');
    const holder = await held;
    assert.notEqual(holder, served[0], 'the held request was served by the other worker');
    assert.deepEqual(server.bootedPids().map((p) => `pid=${p}`).sort(), [holder, served[0]!].sort());
  });

  it('async at worker_connections: new connections stay queued until a worker has room (TTIN adds one)', async () => {
    const { server, url, port } = await serve(['-w', '1', '--worker-connections', '2'], 1);
    const release = join(dir.path, 'release-async');
    const started = join(dir.path, 'started-async');
    const holdUrl = `${url}/hold?file=${encodeURIComponent(release)}&started=${encodeURIComponent(started)}`;
    const holds = [get(holdUrl, 60_000), get(holdUrl, 60_000)];
    await waitUntil('both held requests in the worker', () => existsSync(started) && readFileSync(started, 'utf8').split('\n').length === 3, 15_000);
    const queued = [get(`${url}/`, 30_000), get(`${url}/`, 30_000), get(`${url}/`, 30_000)];
    await waitUntil('3 connections in the listen queue', () => listenQueueDepth(port) === 3, 15_000);

    server.signal('SIGTTIN');
    const served = await Promise.all(queued);
    const [first, second] = server.bootedPids();
    assert.ok(second, 'TTIN booted a second worker');
    assert.deepEqual(served, [`pid=${second}`, `pid=${second}`, `pid=${second}`], 'the new worker took the queued connections');
    assert.equal(listenQueueDepth(port), 0);

    writeFileSync(release, '');
    assert.deepEqual(await Promise.all(holds), [`pid=${first}`, `pid=${first}`], 'the first worker kept its two and served them');
  });
});
