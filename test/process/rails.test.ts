// Rails that cannot loop, through the real binary: an idle first generation with warm-up keeps
// its workers and /healthz says 200, and so does the generation a HUP starts on an idle server;
// a HUP to a release that cannot boot gives up after 5 failed replacements, the old worker serving;
// a max_worker_memory below any worker is refused at start
// (and by --check-config alike); one below the app's fresh footprint is said once and the
// workers stay; a worker leaking 100 MB/s is replaced before it reaches 400 MB.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir.js';
import { isAlive, runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';

const servers: ServerProcess[] = [];
const dir = makeTempDir('gunicorn-ts-rails-');
after(async () => {
  for (const s of servers) await s.stop();
  dir.remove();
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

dir.write('hello.ts', "export const app = (_q: unknown, s: { end(t: string): void }) => s.end('hello');\n");
// Holds 10 MB more every 100 ms, touching every page, and records its peak resident size
// (VmHWM, from the kernel) after each step.
dir.write('leak.ts', `import { appendFileSync, readFileSync } from 'node:fs';
const held: Buffer[] = [];
setInterval(() => {
  held.push(Buffer.alloc(10 * 1024 * 1024, 1));
  const peak = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  appendFileSync(process.env['GTS_LEAK_LOG']!, process.pid + ' ' + peak + '\\n');
}, 100);
export const app = (_q: unknown, s: { end(t: string): void }) => s.end('leaky');
`);

/** Two idle workers with `--warmup-requests 2`, booted; returns the server and its /healthz URL. */
async function idleWarmupServer(warmupTimeout: number): Promise<{ server: ServerProcess; healthz: URL }> {
  const server = startGunicorn(['-w', '2', '-b', '127.0.0.1:0', '--metrics-bind', '127.0.0.1:0',
    '--warmup-requests', '2', '--warmup-timeout', String(warmupTimeout), 'hello.ts:app'], { cwd: dir.path });
  servers.push(server);
  await server.listening();
  const metrics = (await server.waitForLog(/^Metrics at: /)).msg!.replace(/^Metrics at: /, '');
  await server.waitFor('two workers booted', () => server.bootedPids().length >= 2);
  // "Booting worker" is logged before the app has loaded. A HUP before the arbiter counts a
  // worker booted (and, replacing nobody, ready) stops that worker at once instead of
  // replacing it, and its successor has no warm-up window to wait out.
  await server.waitFor('two workers ready', () => server.logCount(/^worker ready$/) >= 2);
  return { server, healthz: new URL('/healthz', metrics) };
}

// Throws while loading once the file GTS_BROKEN names exists: a broken release after a HUP.
dir.write('release.ts', `import { existsSync } from 'node:fs';
if (existsSync(process.env['GTS_BROKEN']!)) throw new Error('broken release');
export const app = (_q: unknown, s: { end(t: string): void }) => s.end('old release');
`);

describe('rails that cannot loop', () => {
  it('an idle first generation with --warmup-requests keeps its pids for 10 s and /healthz says 200', async () => {
    const { server, healthz } = await idleWarmupServer(3);
    const pids = server.bootedPids();
    await sleep(10_000);
    assert.deepEqual(server.bootedPids(), pids, 'no worker was started after the first two');
    for (const pid of pids) assert.ok(isAlive(pid), `worker ${pid} still runs`);
    assert.equal(server.logCount(/^worker warmup timeout$/), 0);
    const health = await fetch(healthz);
    assert.equal(health.status, 200, await health.text());
    await server.stop();
  });

  it('a HUP on an idle server with --warmup-requests: one new generation, ready at the window\'s end, stays', async () => {
    const { server, healthz } = await idleWarmupServer(2);
    const old = server.bootedPids();
    server.signal('SIGHUP');
    // The reload paces its replacements (one at a time on 2 cores), each ready 2 s after it booted.
    await server.waitFor('two replacements booted', () => server.bootedPids().length >= 4, 15_000);
    await server.waitFor('the old workers gone', () => old.every((pid) => !isAlive(pid)), 15_000);
    const fresh = server.bootedPids().slice(2);
    await sleep(6000);
    assert.deepEqual(server.bootedPids(), [...old, ...fresh], 'exactly one new generation, and it stays');
    for (const pid of fresh) assert.ok(isAlive(pid), `replacement ${pid} still runs`);
    assert.equal(server.logCount(/^worker ready: the server got no requests during its warm-up window/), 2);
    assert.equal(server.logCount(/^worker warmup timeout$/), 0);
    const health = await fetch(healthz);
    assert.equal(health.status, 200, await health.text());
    await server.stop();
  });

  it('a HUP to a release that cannot boot: 5 failed replacements, then none; the old worker keeps serving', async () => {
    const broken = join(dir.path, 'broken.flag');
    const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', 'release.ts:app'], { cwd: dir.path, env: { GTS_BROKEN: broken } });
    servers.push(server);
    const [url] = await server.listening();
    await server.waitFor('the worker booted', () => server.bootedPids().length >= 1);
    const [old] = server.bootedPids();
    dir.write('broken.flag', '');
    server.signal('SIGHUP');
    // Backoff 1, 2, 4 and 8 s between the five attempts.
    await server.waitForLog(/^5 replacement workers in a row failed before they were ready: no more are started/, 45_000);
    // The arbiter's line for every worker it forks (one that fails to load never says "Booting worker").
    const forked = (): number => server.logCount(/^booting worker$/);
    const attempts = forked();
    await sleep(5000);
    assert.equal(forked(), attempts, 'no replacement started after the fifth failure');
    assert.equal(attempts, 1 + 5);
    assert.ok(isAlive(old!), 'the old worker still runs');
    assert.equal(await (await fetch(url!)).text(), 'old release');
    assert.equal(server.logCount(/^5 replacement workers in a row failed/), 1, 'said once');
    await server.stop();
  });

  it('a limit below any worker is refused at start, and --check-config says the same', async () => {
    const args = ['-b', '127.0.0.1:0', '--max-worker-memory', '20', 'hello.ts:app'];
    const start = await runGunicorn(args, { cwd: dir.path });
    const check = await runGunicorn(['--check-config', ...args], { cwd: dir.path });
    for (const run of [start, check]) {
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /max_worker_memory: 20 from command line: 20 MB is below what any worker uses: a bare Node\.js process already takes \d+ MB here/);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.doesNotMatch(start.stderr, /Listening at/, 'nothing was bound');
  });

  it('a limit below the app\'s fresh memory is said once, and the workers are not recycled', async () => {
    // Above a bare Node.js process (so the start is allowed), below a worker with the app loaded.
    const bareMb = Math.ceil(Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage.rss()))'])) / 2 ** 20);
    const server = startGunicorn(['-w', '2', '-b', '127.0.0.1:0', '--max-worker-memory', String(bareMb + 2), 'hello.ts:app'], { cwd: dir.path });
    servers.push(server);
    const [url] = await server.listening();
    await server.waitForLog(/^max_worker_memory \(\d+ MB\) is below what a freshly booted worker uses/);
    await server.waitFor('two workers booted', () => server.bootedPids().length >= 2);
    const pids = server.bootedPids();
    for (let i = 0; i < 30; i++) assert.equal(await (await fetch(url!)).text(), 'hello');
    await sleep(3000);
    assert.deepEqual(server.bootedPids(), pids, 'no worker was replaced');
    assert.equal(server.logCount(/^max_worker_memory \(\d+ MB\) is below/), 1, 'said once');
    assert.equal(server.logCount(/^worker tired$/), 0);
    await server.stop();
  });

  it('a worker leaking 100 MB/s is replaced before it reaches 400 MB', async (t) => {
    const leakLog = join(dir.path, 'leak.log');
    const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', '--max-worker-memory', '150', 'leak.ts:app'],
      { cwd: dir.path, env: { GTS_LEAK_LOG: leakLog } });
    servers.push(server);
    await server.listening();
    await server.waitFor('a replacement booted', () => server.bootedPids().length >= 2, 20_000);
    const [first] = server.bootedPids();
    await server.waitFor(`the leaking worker ${first} exited`, () => !isAlive(first!));
    const peaks = readFileSync(leakLog, 'utf8').split('\n').filter((l) => l.startsWith(`${first} `)).map((l) => Number(l.split(' ')[1]));
    const peakMb = Math.max(...peaks) / 1024;
    assert.ok(peaks.length > 0);
    t.diagnostic(`peak resident size of the leaking worker: ${peakMb.toFixed(0)} MB (limit 150 MB)`);
    assert.ok(peakMb < 400, `the leaking worker reached ${peakMb.toFixed(0)} MB`);
    assert.ok(server.lines.some((l) => l.msg === 'worker tired' && l['cause'] === 'memory'));
    await server.stop();
  });
});
