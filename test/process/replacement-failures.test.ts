// Replacement when things go wrong, end to end: a worker over max_worker_memory is
// replaced; a broken release after HUP is retried with backoff while the old workers keep
// serving; an async post_worker_init holds the worker back (not booted, not serving).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { countLines, LoadClient, policyLines } from './replacement-support.js';

const servers: ServerProcess[] = [];
const temp = makeTempDir();
after(async () => {
  for (const s of servers) await s.stop();
  temp.remove();
});

const APP = 'replacement/app.mjs';

function start(args: string[], env: NodeJS.ProcessEnv = {}): ServerProcess {
  const server = startGunicorn(['-b', '127.0.0.1:0', ...args, APP], { env });
  servers.push(server);
  return server;
}

function getJson(url: string): Promise<{ pid: number; initDone: boolean | null }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as { pid: number; initDone: boolean | null }) : reject(new Error(`status ${res.statusCode}`))));
    }).on('error', reject).end();
  });
}

describe('replacement failures and limits', { timeout: 120_000 }, () => {
  it('replaces a worker whose resident size exceeds max_worker_memory (cause memory)', async () => {
    const server = start(['-w', '2', '--timeout', '4', '--wait-for-new-workers', '--max-worker-memory', '200']);
    const [url] = await server.listening();
    await server.waitFor('2 ready workers', () => countLines(server, 'worker ready') >= 2);
    const { pid } = await getJson(`${url}/grow`);
    const tired = await server.waitFor('the grown worker tired', () =>
      policyLines(server).find((l) => l.msg === 'worker tired' && l['worker_pid'] === pid), 30_000);
    assert.equal(tired['cause'], 'memory');
    await server.waitFor('the grown worker replaced and gone', () =>
      policyLines(server).some((l) => l.msg === 'worker exited' && l['worker_pid'] === pid), 30_000);
    const retired = policyLines(server).find((l) => l.msg === 'retiring worker' && l['worker_pid'] === pid);
    assert.equal(retired?.['reason'], 'replaced');
    assert.equal(countLines(server, 'worker ready'), 3);
  });

  it('keeps the old workers serving while a broken release fails to boot, with backoff, then recovers', async () => {
    const flag = join(temp.path, 'broken');
    const server = start(['-w', '2', '--wait-for-new-workers', '--max-restarting-workers', '1'], { REPL_FAIL_FLAG: flag });
    const [url] = await server.listening();
    await server.waitFor('2 ready workers', () => countLines(server, 'worker ready') >= 2);
    const oldPids = new Set(policyLines(server).filter((l) => l.msg === 'worker ready').map((l) => l['worker_pid'] as number));
    const client = new LoadClient(`${url}/`, { concurrency: 4, maxRequests: 100_000, maxMs: 90_000 }).start();
    let failures: Record<string, unknown>[] = [];
    try {
      temp.write('broken', 'yes');
      server.signal('SIGHUP');
      failures = await server.waitFor('3 failed boots', () => {
        const found = policyLines(server).filter((l) => l.msg === 'worker failed before ready');
        return found.length >= 3 ? found : undefined;
      }, 40_000);
      // Only the old generation served during the failures.
      assert.deepEqual([...client.pids.keys()].filter((p) => !oldPids.has(p)), []);
      rmSync(flag);
      await server.waitFor('generation 1 ready, generation 0 gone', () =>
        countLines(server, 'worker ready', (l) => l['gen'] === 1) >= 2 && countLines(server, 'worker exited', (l) => l['gen'] === 0) >= 2, 60_000);
    } finally {
      await client.stop();
    }
    assert.deepEqual(client.errors, []);
    assert.ok(client.ok > 100);
    // Backoff doubles: 1 s, 2 s, 4 s; the first failure warns, the next ones are errors.
    assert.deepEqual(failures.slice(0, 3).map((l) => [l['failures'], l['retryInMs'], l['level']]), [[1, 1000, 'warning'], [2, 2000, 'error'], [3, 4000, 'error']]);
    assert.equal(server.child.exitCode, null, 'the arbiter is still running');
    assert.ok(server.lines.some((l) => /broken release/.test(String(l.msg ?? '')) || /broken release/.test(String(l['error'] ?? ''))), 'the boot error is logged');
  });

  it('counts a worker booted only after an async post_worker_init resolved, and serves nothing before', async () => {
    const marks = join(temp.path, 'marks');
    temp.write('marks/.keep', '');
    const server = start(['-w', '2', '-c', 'replacement/slow-init.conf.mjs'], { INIT_MARK_DIR: marks });
    const [url] = await server.listening();
    // Requests sent at once wait in the kernel queue until a worker accepts.
    const early = [getJson(`${url}/`), getJson(`${url}/`), getJson(`${url}/`)];
    const bootedSeen: boolean[] = [];
    await server.waitFor('2 booted workers', () => {
      for (const line of policyLines(server).filter((l) => l.msg === 'worker booted').slice(bootedSeen.length)) {
        bootedSeen.push(existsSync(join(marks, String(line['worker_pid']))));
      }
      return bootedSeen.length >= 2;
    });
    assert.deepEqual(bootedSeen, [true, true], 'post_worker_init had finished when the arbiter saw booted');
    for (const reply of await Promise.all(early)) assert.equal(reply.initDone, true, 'no request before post_worker_init resolved');
  });
});
