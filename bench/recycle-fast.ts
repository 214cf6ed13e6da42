// Fast recycling: 2 workers of an app that boots in 0.8 s, each replaced after about 20,000
// requests (wait_for_new_workers, warmup 10), against the same server without recycling,
// alternated rounds with per-round ratios. Node's floor in the same rounds: the same app in
// Node's cluster, recycled the same way by a primary written for it (lib/recycle-fast-cluster.cjs),
// against that cluster without recycling. Load: wrk -t1 -c32 -d8s on 127.0.0.1.
// Run: npm run build && node dist/bench/recycle-fast.js [rounds=3] [--max-requests=20000]
// (--max-requests scales the worker lifetime: the jitter stays a tenth of it).
import './lib/exit-on-signal.js';
import { startGunicorn } from '../test/helpers/server.js';
import { runWrk, type WrkFigures } from './lib/recycle-wrk.js';
import { RECYCLE_LIB, startRecyclingCluster } from './lib/recycle-cluster.js';
import { sleep } from './lib/throughput-proc.js';
import { median } from './lib/throughput-wrk.js';

const args = process.argv.slice(2);
const ROUNDS = Number(args.find((a) => !a.startsWith('--')) ?? 3);
const MAX_REQUESTS = Number(args.find((a) => a.startsWith('--max-requests='))?.split('=')[1] ?? 20000);
const SECONDS = 8;
const WORKERS = '2';
const JITTER = Math.round(MAX_REQUESTS / 10);
const RECYCLING = ['--max-requests', String(MAX_REQUESTS), '--max-requests-jitter', String(JITTER), '--wait-for-new-workers', '--warmup-requests', '10'];

interface Run { readonly wrk: WrkFigures; readonly replaced: number }

async function measureGunicorn(args: readonly string[]): Promise<Run> {
  const server = startGunicorn(['-b', '127.0.0.1:0', '-w', WORKERS, ...args, 'recycle-fast-app.mjs:create()'], { cwd: RECYCLE_LIB });
  try {
    const [url] = await server.listening();
    await server.waitFor('workers booted', () => server.lines.filter((l) => l.msg === 'worker booted').length >= Number(WORKERS), 30_000);
    await sleep(500);
    const { figures } = await runWrk(`${url}/`, 32, SECONDS, 1);
    const replaced = server.lines.filter((l) => l.msg === 'booting worker').length - Number(WORKERS);
    return { wrk: figures, replaced };
  } finally {
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
    await server.stop();
  }
}

/** The same load on Node's cluster, recycling after maxRequests (0: never). */
async function measureCluster(maxRequests: number): Promise<Run> {
  const cluster = await startRecyclingCluster(Number(WORKERS), maxRequests, maxRequests === 0 ? 0 : JITTER);
  try {
    await sleep(500);
    const { figures } = await runWrk(`http://127.0.0.1:${cluster.port}/`, 32, SECONDS, 1);
    return { wrk: figures, replaced: cluster.replaced() };
  } finally {
    cluster.stop();
  }
}

const range = (r: readonly number[]): string => `${median(r).toFixed(2)}x (${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)})`;

async function main(): Promise<void> {
  const base: Run[] = [];
  const fast: Run[] = [];
  const clusterBase: Run[] = [];
  const clusterFast: Run[] = [];
  const variants = new Map<Run[], () => Promise<Run>>([
    [base, () => measureGunicorn([])],
    [fast, () => measureGunicorn(RECYCLING)],
    [clusterBase, () => measureCluster(0)],
    [clusterFast, () => measureCluster(MAX_REQUESTS)],
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    // ABBA: no variant always runs first or last.
    const order = [...variants.keys()];
    if (round % 2 === 1) order.reverse();
    for (const list of order) list.push(await variants.get(list)!());
    process.stderr.write(`round ${round + 1}: gunicorn-ts ${base.at(-1)!.wrk.rps.toFixed(0)} vs ${fast.at(-1)!.wrk.rps.toFixed(0)} rps (${fast.at(-1)!.replaced} replaced), ` +
      `cluster ${clusterBase.at(-1)!.wrk.rps.toFixed(0)} vs ${clusterFast.at(-1)!.wrk.rps.toFixed(0)} rps (${clusterFast.at(-1)!.replaced} replaced)\n`);
  }
  const ratios = (runs: readonly Run[], to: readonly Run[], key: 'rps' | 'p99ms'): number[] => runs.map((r, i) => r.wrk[key] / to[i]!.wrk[key]);
  const errors = (runs: readonly Run[]): number => runs.reduce((n, r) => n + r.wrk.socketErrors + r.wrk.non2xx, 0);
  process.stdout.write(`wrk -t1 -c32 -d${SECONDS}s, ${WORKERS} workers, app boots in 0.8 s; Node ${process.version}; ${ROUNDS} alternated rounds\n`);
  process.stdout.write('| variant | rps | p99 ms | replaced | errors | rps ratio (range) | p99 ratio (range) |\n|---|---|---|---|---|---|---|\n');
  const row = (name: string, runs: readonly Run[], ratios: string[]): string =>
    `| ${name} | ${median(runs.map((r) => r.wrk.rps)).toFixed(0)} | ${median(runs.map((r) => r.wrk.p99ms)).toFixed(1)} | ${median(runs.map((r) => r.replaced))} | ${errors(runs)} | ${ratios.join(' | ')} |\n`;
  process.stdout.write(row('gunicorn-ts, no recycling', base, ['1', '1']));
  process.stdout.write(row(`gunicorn-ts, fast recycling (${RECYCLING.join(' ')})`, fast, [range(ratios(fast, base, 'rps')), range(ratios(fast, base, 'p99ms'))]));
  process.stdout.write(row('Node cluster (SCHED_NONE), no recycling', clusterBase, ['1', '1']));
  process.stdout.write(row(`Node cluster, recycled the same way (${MAX_REQUESTS} + up to ${JITTER} requests)`, clusterFast,
    [range(ratios(clusterFast, clusterBase, 'rps')), range(ratios(clusterFast, clusterBase, 'p99ms'))]));
  process.stdout.write(`gunicorn-ts recycling against Node's cluster recycling the same way (per round): ${range(ratios(fast, clusterFast, 'rps'))} rps\n`);
}

await main();
