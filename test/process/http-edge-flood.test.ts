// Slow-header floods against the real binary (run under `flock /tmp/gts-heavy.lock`, as
// npm test is): 2,100 connections sending one header byte every 1.5 s against the default
// worker class, and 300 against `-k sync -w 2`. A connection counts against the request
// slots only once its head is complete, and head-sending connections are shed (408) at their
// own bound, so a normal client is answered within 2 s every time. The flood runs in its own
// process (test/fixtures/edge/slow-flood.mjs) with the open-file limit raised if needed.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closingGet, exchange, statusOf } from '../helpers/raw-http.js';
import { startGunicorn, withFdLimit, type ServerProcess } from '../helpers/server.js';

const FLOOD = fileURLToPath(new URL('../../../test/fixtures/edge/slow-flood.mjs', import.meta.url));
const NORMAL_REQUESTS = 12;
const BOUND_MS = 2000;

interface Flood {
  readonly child: ChildProcess;
  /** The last "stats open closed 408s" line. */
  stats(): { open: number; closed: number; timeouts: number };
  stop(): void;
}

async function startFlood(port: number, count: number): Promise<Flood> {
  const [command, args] = withFdLimit([FLOOD, String(port), String(count), '1500'], count + 256);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  // Even if this test process is killed on a timeout, the flood must not outlive it.
  const killOnExit = (): void => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const flood: Flood = {
    child,
    stats() {
      const last = [...out.matchAll(/stats (\d+) (\d+) (\d+)/g)].pop();
      return { open: Number(last?.[1] ?? 0), closed: Number(last?.[2] ?? 0), timeouts: Number(last?.[3] ?? 0) };
    },
    stop() { if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); },
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`flood not ready: ${out}`)), 60_000);
      child.stdout!.on('data', () => { if (/ready \d+/.test(out)) { clearTimeout(timer); resolve(); } });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`flood exited ${code}: ${out}`)); });
    });
  } catch (err) {
    flood.stop();
    throw err;
  }
  return flood;
}

/** Normal requests spaced over the flood; returns each one's latency in ms, all answered 200. */
async function normalClient(port: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < NORMAL_REQUESTS; i++) {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const resp = await Promise.race([
      exchange(port, closingGet(`/normal-${i}`)),
      new Promise<string>((resolve) => { timer = setTimeout(() => resolve('(no answer within 5 s)'), 5000); }),
    ]).finally(() => clearTimeout(timer));
    latencies.push(Math.round(performance.now() - started));
    assert.equal(statusOf(resp), 200, `normal request ${i}: ${JSON.stringify(resp.slice(0, 80))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return latencies;
}

async function underFlood(t: { diagnostic(msg: string): void }, args: readonly string[], count: number): Promise<{ worst: number; flood: ReturnType<Flood['stats']> }> {
  const server: ServerProcess = startGunicorn(['-b', '127.0.0.1:0', ...args, 'edge/echo-app.mjs:app'], { fdLimit: 2 * count + 512 });
  let flood: Flood | null = null;
  try {
    const [url] = await server.listening();
    const port = Number(new URL(url!).port);
    await server.waitFor('booted workers', () => server.bootedPids().length >= (args.includes('-w') ? 2 : 1));
    flood = await startFlood(port, count);
    // Let the flood settle: every connection has sent part of a head, the bound is reached.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const latencies = await normalClient(port);
    const worst = Math.max(...latencies);
    const stats = flood.stats();
    t.diagnostic(`${count} slow connections, ${args.join(' ') || 'default worker class'}: normal client latencies ${latencies.join(', ')} ms (worst ${worst}); flood open ${stats.open}, closed ${stats.closed}, 408s ${stats.timeouts}`);
    assert.ok(worst < BOUND_MS, `worst normal-client latency ${worst} ms`);
    assert.equal(server.logCount(/worker exited|Worker exiting|WORKER TIMEOUT/i), 0, 'no worker died under the flood');
    return { worst, flood: stats };
  } finally {
    flood?.stop();
    await server.stop();
  }
}

describe('slow-header floods: a normal client is answered within 2 s every time', () => {
  test('2,100 slow connections against the default worker class: the oldest are shed with 408', { timeout: 150_000 }, async (t) => {
    const { flood } = await underFlood(t, [], 2100);
    // 2,100 is over the head bound (worker_connections, 1000): the oldest were shed.
    assert.ok(flood.timeouts > 0, `no 408 seen by the flood: ${JSON.stringify(flood)}`);
  });
  test('300 slow connections against -k sync -w 2: none takes the sync slot', { timeout: 150_000 }, async (t) => {
    await underFlood(t, ['-k', 'sync', '-w', '2'], 300);
  });
});
