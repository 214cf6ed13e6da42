// What a fresh worker costs per request before V8 has optimised it, gunicorn-ts against Node's
// cluster: one worker of bench/recycle-fast's app (gunicorn-ts -w 1, and the same app in one
// SCHED_NONE cluster worker, lib/recycle-fast-cluster.cjs), loaded from its first request with
// `h2load --h1 -n 10000 -c 16` six times, then 300,000 requests, then once more. Prints the
// worker's CPU (utime+stime from /proc) per request in each window, medians over alternated
// starts. This is the cost a recycled worker pays again each time it is replaced.
// Run: npm run build && node dist/bench/recycle-cold.js [starts=3] (Debian: nghttp2-client)
import './lib/exit-on-signal.js';
import { startGunicorn } from '../test/helpers/server.js';
import { runH2load } from './lib/http2-load.js';
import { RECYCLE_LIB, startRecyclingCluster } from './lib/recycle-cluster.js';
import { childPids, cpuSeconds } from './lib/throughput-proc.js';
import { median } from './lib/throughput-wrk.js';

const STARTS = Number(process.argv[2] ?? 3);
const WINDOW = 10_000;
const COLD_WINDOWS = 6;
const WARM_UP = 300_000;

/** µs of the worker's CPU per request: COLD_WINDOWS windows from its first request, then one once warm. */
async function windows(url: string, workerPid: number): Promise<number[]> {
  const perRequest = async (n: number): Promise<number> => {
    const before = cpuSeconds([workerPid]);
    const { twoxx, failed } = await runH2load(['--h1', '-n', String(n), '-c', '16', url], 120_000);
    if (twoxx !== n || failed !== 0) throw new Error(`h2load: ${twoxx} of ${n} answered 2xx, ${failed} failed`);
    return ((cpuSeconds([workerPid]) - before) * 1e6) / n;
  };
  const out: number[] = [];
  for (let i = 0; i < COLD_WINDOWS; i++) out.push(await perRequest(WINDOW));
  await perRequest(WARM_UP);
  out.push(await perRequest(WINDOW));
  return out;
}

async function gunicornWorker(): Promise<number[]> {
  const server = startGunicorn(['-b', '127.0.0.1:0', '-w', '1', 'recycle-fast-app.mjs:create()'], { cwd: RECYCLE_LIB });
  try {
    const [url] = await server.listening();
    await server.waitFor('worker ready', () => server.lines.some((l) => l.msg === 'worker ready'), 30_000);
    const [worker] = childPids(server.pid);
    return await windows(`${url}/`, worker!);
  } finally {
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
    await server.stop();
  }
}

async function clusterWorker(): Promise<number[]> {
  const cluster = await startRecyclingCluster(1, 0, 0);
  try {
    return await windows(`http://127.0.0.1:${cluster.port}/`, childPids(cluster.pid)[0]!);
  } finally {
    cluster.stop();
  }
}

async function main(): Promise<void> {
  const runs = new Map<string, number[][]>([['gunicorn-ts -w 1', []], ['Node cluster, 1 worker', []]]);
  for (let start = 0; start < STARTS; start++) {
    const order = start % 2 === 0 ? [...runs.keys()] : [...runs.keys()].reverse();
    for (const name of order) {
      const figures = await (name.startsWith('gunicorn') ? gunicornWorker() : clusterWorker());
      runs.get(name)!.push(figures);
      process.stderr.write(`start ${start + 1} ${name}: ${figures.map((f) => f.toFixed(1)).join(' ')} µs/request\n`);
    }
  }
  const head = [...Array(COLD_WINDOWS).keys()].map((i) => `${i * WINDOW / 1000}-${(i + 1) * WINDOW / 1000}k`);
  process.stdout.write(`Worker CPU per request (µs), medians of ${STARTS} starts; Node ${process.version}; h2load --h1 -c16\n`);
  process.stdout.write(`| worker | ${head.join(' | ')} | warm (after ${WARM_UP / 1000}k) | first window / warm |\n|${'---|'.repeat(COLD_WINDOWS + 3)}\n`);
  for (const [name, list] of runs) {
    const col = (i: number): number => median(list.map((f) => f[i]!));
    const cells = [...Array(COLD_WINDOWS + 1).keys()].map((i) => col(i).toFixed(1));
    process.stdout.write(`| ${name} | ${cells.join(' | ')} | ${(col(0) / col(COLD_WINDOWS)).toFixed(1)}x |\n`);
  }
}

await main();
