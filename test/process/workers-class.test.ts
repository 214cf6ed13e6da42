// worker_class through the real binary: `sync` serves one request at a time per worker (so 2
// workers have at most 2 requests in flight), `async` overlaps them, Gunicorn's Python class
// names run as async with one warning, and a custom class extending BaseWorker wraps requests.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { FIXTURES, runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

interface Timed { pid: number; started: number; finished: number; header: string | null }

function get(url: string): Promise<{ status: number; body: string; header: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, header: res.headers['x-custom-worker'] as string | undefined }));
    }).on('error', reject).end();
  });
}

async function serve(args: readonly string[]): Promise<{ server: ServerProcess; url: string }> {
  const server = startGunicorn(['-b', '127.0.0.1:0', ...args], { cwd: FIXTURES });
  servers.push(server);
  const [url] = await server.listening();
  const workers = Number(args[args.indexOf('-w') + 1] ?? 1);
  await server.waitFor(`${workers} booted workers`, () => server.bootedPids().length >= workers);
  return { server, url: url! };
}

/** Most requests one pid had in flight at the same moment, from the apps' own start/finish times. */
function maxOverlapPerPid(results: readonly Timed[]): number {
  let most = 0;
  for (const r of results) {
    const same = results.filter((o) => o.pid === r.pid && o.started <= r.started && o.finished > r.started);
    most = Math.max(most, same.length);
  }
  return most;
}

async function concurrentSlow(url: string, n: number, ms: number): Promise<Timed[]> {
  const replies = await Promise.all(Array.from({ length: n }, () => get(`${url}/slow?ms=${ms}`)));
  for (const r of replies) assert.equal(r.status, 200);
  return replies.map((r) => JSON.parse(r.body) as Timed);
}

describe('worker_class', () => {
  it('sync: each of 2 workers serves one request at a time, all requests still answered', async () => {
    const { server, url } = await serve(['-w', '2', '-k', 'sync', 'workers/timed-app.ts']);
    try {
      const results = await concurrentSlow(url, 6, 300);
      assert.equal(maxOverlapPerPid(results), 1, 'a sync worker never overlaps two requests');
      assert.ok(new Set(results.map((r) => r.pid)).size <= 2);
    } finally {
      await server.stop();
    }
  });

  it('async (default): one worker overlaps concurrent slow requests', async () => {
    const { server, url } = await serve(['-w', '1', 'workers/timed-app.ts']);
    try {
      const results = await concurrentSlow(url, 4, 300);
      assert.equal(maxOverlapPerPid(results), 4);
    } finally {
      await server.stop();
    }
  });

  for (const name of ['gevent', 'eventlet', 'gthread', 'tornado']) {
    it(`${name}: runs as async and warns once`, async () => {
      const { server, url } = await serve(['-w', '2', '-k', name, 'workers/timed-app.ts']);
      try {
        const results = await concurrentSlow(url, 6, 300);
        assert.ok(maxOverlapPerPid(results) > 1, 'served concurrently like async');
        assert.equal(server.logCount(new RegExp(`worker_class "${name}" is a Python worker class; using "async"`)), 1);
        assert.equal(server.lines.find((l) => /is a Python worker class/.test(l.msg ?? ''))?.level, 'warning');
      } finally {
        await server.stop();
      }
    });
  }

  it('a custom class (./workers/my-worker.ts:MyWorker) wraps each request and sets the connection limit', async () => {
    const { server, url } = await serve(['-w', '1', '-k', './workers/my-worker.ts:MyWorker', 'workers/timed-app.ts']);
    try {
      const results = await concurrentSlow(url, 3, 200);
      assert.equal(maxOverlapPerPid(results), 1, 'maxConnections 1 serialises requests');
      const tags = results.map((r) => r.header).sort();
      assert.deepEqual(tags, ['worker 1 gen 0 #1', 'worker 1 gen 0 #2', 'worker 1 gen 0 #3']);
      const refused = await get(`${url}/refuse`);
      assert.deepEqual([refused.status, refused.body], [403, 'refused by MyWorker']);
    } finally {
      await server.stop();
    }
  });

  it('a custom class that does not extend BaseWorker stops the start in the preflight with exit 1', async () => {
    const { code, stderr } = await runGunicorn(['-w', '1', '-b', '127.0.0.1:0', '-k', './workers/my-worker.ts:NotAWorker', 'workers/timed-app.ts'], { cwd: FIXTURES });
    assert.equal(code, 1);
    assert.match(stderr, /worker_class: .*NotAWorker is not a class extending BaseWorker/);
    assert.doesNotMatch(stderr, /Listening at/);
  });

  it('a custom class module that does not exist stops the start in the preflight with exit 1', async () => {
    const { code, stderr } = await runGunicorn(['-w', '1', '-b', '127.0.0.1:0', '-k', './workers/nope.ts:Nope', 'workers/timed-app.ts'], { cwd: FIXTURES });
    assert.equal(code, 1);
    assert.match(stderr, /worker_class: ".*nope\.ts:Nope" from command line: cannot find module .*nope\.ts/);
  });

  it('threads 0 is refused before anything starts (above 1 warns: parity-workers.test.ts)', async () => {
    const { code, stderr } = await runGunicorn(['-b', '127.0.0.1:0', '--threads', '0', 'workers/timed-app.ts'], { cwd: FIXTURES });
    assert.equal(code, 1);
    assert.match(stderr, /threads: "?0"? from command line: must be >= 1/);
    assert.doesNotMatch(stderr, /Listening at/);
  });
});
