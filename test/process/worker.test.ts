// The worker process driven by a mini-arbiter: init → booted → warmed, beats, tired,
// worker classes, signals, drain with Connection: close, boot failures (exit 3 and 4),
// and exit when the IPC channel goes away. Every child is SIGKILLed by pid in `after`.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { ListeningSocket } from '../../src/arbiter/sockets/index.js';
import { FIXTURE_APPS, bindLocal, spawnWorker, type SpawnOptions, type WorkerProc } from './worker-harness.js';

const procs: WorkerProc[] = [];
const sockets: ListeningSocket[] = [];
after(() => {
  for (const p of procs) p.kill();
  for (const s of sockets) s.close();
});

async function start(opts: Partial<SpawnOptions> & { settings?: SpawnOptions['settings'] } = {}): Promise<{ w: WorkerProc; url: string }> {
  const { socket, url } = await bindLocal();
  sockets.push(socket);
  const w = spawnWorker(socket, { settings: { app: 'worker-app.ts', timeout: 4, ...opts.settings }, ...opts });
  procs.push(w);
  return { w, url };
}

/** One request on a fresh connection; resolves with status, Connection header and body. */
function get(url: string): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false, headers: { connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    }).on('error', reject).end();
  });
}

describe('worker process', () => {
  it('boots, serves with raw_env applied, reports warmed, beats, tired, and keeps serving until retired', async () => {
    const { w, url } = await start({ maxRequests: 2, settings: { app: 'worker-app.ts', timeout: 4, raw_env: ['GTS_TEST_VAR=hello'] } });
    await w.waitFor('booted');
    assert.deepEqual(await w.waitFor('warmed'), { type: 'warmed', requests: 0 });
    const beat = await w.waitFor('beat');
    assert.equal(beat.requests, 0);
    assert.ok(beat.rss > 0);
    const first = await get(`${url}/a`);
    assert.equal(first.status, 200);
    assert.match(first.body, new RegExp(`pid=${w.child.pid} path=/a env=hello`));
    await get(`${url}/b`);
    assert.deepEqual(await w.waitFor('tired'), { type: 'tired', requests: 2 });
    assert.equal((await get(`${url}/c`)).status, 200, 'a tired worker keeps serving');
    assert.equal(w.messages.filter((m) => m.type === 'tired').length, 1);
    w.child.send({ type: 'retire' });
    assert.deepEqual(await w.exited, { code: 0, signal: null });
  });

  it('reports warmed only after warmup_requests requests', async () => {
    const { w, url } = await start({ settings: { app: 'worker-app.ts', warmup_requests: 2 } });
    await w.waitFor('booted');
    await get(url);
    assert.equal(w.messages.some((m) => m.type === 'warmed'), false);
    await get(url);
    assert.equal((await w.waitFor('warmed')).requests, 2);
  });

  it('serves several requests at once with the async class, one at a time with sync (Connection: close)', async () => {
    const asyncW = await start();
    await asyncW.w.waitFor('booted');
    await Promise.all([1, 2, 3].map(() => get(`${asyncW.url}/slow?ms=150`)));
    assert.equal((await get(`${asyncW.url}/max`)).body, '3');

    const syncW = await start({ settings: { app: 'worker-app.ts', worker_class: 'sync' } });
    await syncW.w.waitFor('booted');
    const answers = await Promise.all([1, 2, 3].map(() => get(`${syncW.url}/slow?ms=150`)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
    assert.ok(answers.every((a) => a.connection === 'close'));
    assert.equal((await get(`${syncW.url}/max`)).body, '1');
  });

  it('on SIGTERM finishes the request in flight with Connection: close and exits 0', async () => {
    const { w, url } = await start({ settings: { app: 'worker-app.ts', keepalive: 5 } });
    await w.waitFor('booted');
    const slow = get(`${url}/slow?ms=300`);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(w.child.pid!, 'SIGTERM');
    const res = await slow;
    assert.equal(res.status, 200);
    assert.equal(res.connection, 'close');
    assert.deepEqual(await w.exited, { code: 0, signal: null });
  });

  it('handles SIGUSR1 without opening the inspector', async () => {
    const { w, url } = await start();
    await w.waitFor('booted');
    process.kill(w.child.pid!, 'SIGUSR1');
    assert.equal((await get(url)).status, 200);
    assert.doesNotMatch(w.stderr(), /Debugger listening/);
  });

  it('exits 3 with boot-failed when the app throws while loading', async () => {
    const { w } = await start({ settings: { app: 'throws-on-load.ts' } });
    const failed = await w.waitFor('boot-failed');
    assert.equal(failed.code, 3);
    assert.match(failed.message, /database unreachable at import time \(at .*throws-on-load\.ts:2:\d+\)/);
    assert.match(failed.stack ?? '', /^Error: database unreachable at import time\n\s+at .*throws-on-load\.ts:2:\d+/, "the app's stack travels with the message");
    assert.deepEqual(await w.exited, { code: 3, signal: null });
    // The arbiter logs the report (once for all workers); the worker adds no copy of its own.
    assert.doesNotMatch(w.stderr(), /database unreachable/);
  });

  it('exits 4 with boot-failed when the export does not exist', async () => {
    const { w } = await start({ settings: { app: 'worker-app.ts:missing' } });
    const failed = await w.waitFor('boot-failed');
    assert.equal(failed.code, 4);
    assert.match(failed.message, /does not export "missing"; it exports: default/);
    assert.deepEqual(await w.exited, { code: 4, signal: null });
  });

  it('runs post_worker_init before booted, pre/post_request around requests, worker_int on SIGINT', async () => {
    const { w, url } = await start({ configFile: `${FIXTURE_APPS}hooks.conf.mjs` });
    await w.waitFor('booted');
    assert.match(w.stderr(), new RegExp(`HOOK post_worker_init id=0 gen=1 pid=${w.child.pid}`));
    assert.equal((await get(`${url}/h`)).status, 200);
    process.kill(w.child.pid!, 'SIGINT');
    assert.deepEqual(await w.exited, { code: 0, signal: null });
    assert.match(w.stderr(), /HOOK pre_request \/h\n(.|\n)*HOOK post_request \/h 200 n=1\n(.|\n)*HOOK worker_int requests=1/);
  });

  it('exits at once when the IPC channel to the arbiter goes away', async () => {
    const { w } = await start();
    await w.waitFor('booted');
    w.child.disconnect();
    assert.deepEqual(await w.exited, { code: 0, signal: null });
  });
});
