// Zero-downtime replacement, end to end with the real binary under continuous keep-alive
// load: max-requests recycling with wait_for_new_workers, rolling HUP reloads with and
// without options, and plain max-requests (lazy drain). No request may fail.
//
// How "never fewer than 2 serving workers" is checked: the arbiter logs every policy
// transition with the worker's id and state, in order; replaying those lines gives the
// number of accepting workers (warming, ready, tired) after each step, and its minimum
// once 2 first accepted must be 2. Independently, every 20 ms the workers that the log says
// accept are looked up in /proc (alive, not zombie): at least 2 at every sample. And every
// response names its worker (enrich-response `info.pid`), which must be a logged worker.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGunicorn, type ServerProcess } from '../helpers/server.js';
import { acceptingTimeline, arbiterWarnings, countLines, LoadClient, sampleAccepting } from './replacement-support.js';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

const APP = 'replacement/app.mjs';

function start(args: string[]): ServerProcess {
  const server = startGunicorn(['-b', '127.0.0.1:0', '--log-level', 'info', ...args, APP]);
  servers.push(server);
  return server;
}

function loggedPids(server: ServerProcess): Set<number> {
  return new Set(server.lines.filter((l) => l.msg === 'booting worker').map((l) => l['worker_pid'] as number));
}

describe('zero-downtime replacement', { timeout: 240_000 }, () => {
  it('recycles workers on max-requests under load: >= 10 replacements, no failed request, never < 2 accepting', async () => {
    const server = start(['-w', '2', '--max-requests', '50', '--max-requests-jitter', '10', '--wait-for-new-workers',
      '--max-restarting-workers', '1', '--warmup-requests', '5', '--enrich-response']);
    const [url] = await server.listening();
    await server.waitFor('2 booted workers', () => countLines(server, 'worker booted') >= 2);
    const mismatched: string[] = [];
    const client = new LoadClient(`${url}/`, {
      concurrency: 8, maxRequests: 40_000, maxMs: 150_000,
      onServed: ({ pid, body }) => {
        const info = body['info'] as { pid?: number } | undefined;
        if (info?.pid !== pid) mismatched.push(JSON.stringify(body));
      },
    }).start();
    const sampler = sampleAccepting(server, 2);
    try {
      await server.waitFor('10 replacements', () => countLines(server, 'retiring worker', (l) => l['reason'] === 'replaced') >= 10, 150_000);
    } finally {
      await client.stop();
    }
    const sampled = sampler.stop();

    assert.deepEqual(client.errors, []);
    assert.deepEqual(mismatched, []);
    assert.ok(client.ok > 500, `served ${client.ok}`);
    const timeline = acceptingTimeline(server, 2);
    assert.equal(timeline.min, 2, 'the log never shows fewer than 2 accepting workers');
    assert.ok(sampled.samples > 10 && sampled.min >= 2, `/proc samples: ${JSON.stringify(sampled)}`);
    const known = loggedPids(server);
    for (const pid of client.pids.keys()) assert.ok(known.has(pid), `pid ${pid} served but is not a logged worker`);
    assert.ok(client.pids.size >= 12, `distinct serving pids: ${client.pids.size}`);
    assert.equal(countLines(server, 'retiring worker', (l) => l['reason'] !== 'replaced'), 0);
    assert.deepEqual(arbiterWarnings(server), []);
  });

  it('rolls 5 HUP reloads under load: every worker replaced each time, no failed request', async () => {
    const server = start(['-w', '2', '--wait-for-new-workers', '--max-restarting-workers', '1', '--warmup-requests', '5']);
    const [url] = await server.listening();
    await server.waitFor('2 booted workers', () => countLines(server, 'worker booted') >= 2);
    const client = new LoadClient(`${url}/`, { concurrency: 8, maxRequests: 60_000, maxMs: 150_000 }).start();
    const sampler = sampleAccepting(server, 2);
    try {
      for (let gen = 1; gen <= 5; gen++) {
        server.signal('SIGHUP');
        await server.waitFor(`generation ${gen} ready and ${gen - 1} gone`, () => {
          const lines = countLines(server, 'worker ready', (l) => l['gen'] === gen);
          const gone = countLines(server, 'worker exited', (l) => l['gen'] === gen - 1);
          return lines >= 2 && gone >= 2;
        }, 60_000);
      }
    } finally {
      await client.stop();
    }
    const sampled = sampler.stop();

    assert.deepEqual(client.errors, []);
    assert.equal(countLines(server, 'retiring worker', (l) => l['reason'] === 'replaced'), 10);
    assert.equal(acceptingTimeline(server, 2).min, 2);
    assert.ok(sampled.samples > 10 && sampled.min >= 2, `/proc samples: ${JSON.stringify(sampled)}`);
    assert.deepEqual(arbiterWarnings(server), []);
    // Each reload served from both generations on the way: old until replaced, new after.
    assert.ok(client.pids.size >= 10, `distinct serving pids: ${client.pids.size}`);
  });

  it('keeps capacity through plain HUPs, no option given: each old worker leaves once its replacement is ready', async () => {
    const server = start(['-w', '2']);
    const [url] = await server.listening();
    await server.waitFor('2 booted workers', () => countLines(server, 'worker booted') >= 2);
    const client = new LoadClient(`${url}/`, { concurrency: 8, maxRequests: 60_000, maxMs: 150_000 }).start();
    const sampler = sampleAccepting(server, 2);
    try {
      for (let gen = 1; gen <= 3; gen++) {
        server.signal('SIGHUP');
        await server.waitFor(`generation ${gen} ready and ${gen - 1} gone`, () =>
          countLines(server, 'worker ready', (l) => l['gen'] === gen) >= 2 && countLines(server, 'worker exited', (l) => l['gen'] === gen - 1) >= 2, 60_000);
      }
    } finally {
      await client.stop();
    }
    const sampled = sampler.stop();

    assert.deepEqual(client.errors, []);
    assert.equal(countLines(server, 'retiring worker', (l) => l['reason'] === 'replaced'), 6);
    assert.equal(countLines(server, 'retiring worker', (l) => l['reason'] !== 'replaced'), 0);
    assert.equal(acceptingTimeline(server, 2).min, 2, 'the log never shows fewer than 2 accepting workers');
    assert.ok(sampled.samples > 10 && sampled.min >= 2, `/proc samples: ${JSON.stringify(sampled)}`);
    assert.deepEqual(arbiterWarnings(server), []);
  });

  it('loses no request with plain max-requests (no waiting: the lazy drain)', async () => {
    const server = start(['-w', '2', '--max-requests', '50', '--max-requests-jitter', '10']);
    const [url] = await server.listening();
    await server.waitFor('2 booted workers', () => countLines(server, 'worker booted') >= 2);
    const client = new LoadClient(`${url}/`, { concurrency: 8, maxRequests: 40_000, maxMs: 120_000 }).start();
    try {
      await server.waitFor('6 replacements', () => countLines(server, 'worker exited', (l) => l['state'] === 'draining') >= 6, 120_000);
    } finally {
      await client.stop();
    }
    assert.deepEqual(client.errors, []);
    assert.ok(client.ok > 300);
  });
});
