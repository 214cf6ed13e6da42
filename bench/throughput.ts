// Throughput, latency, idle memory and start-up of gunicorn-ts against plain node, Node's
// cluster (RR and SCHED_NONE) and PM2, on one hello-world app, measured with wrk
// (-t2 -c64 --latency) keep-alive and with `Connection: close`, over alternating rounds.
// Run: npx tsc -p . && node dist/bench/throughput.js [seconds=8] [rounds=3]
// (`--threads-proxy` adds gunicorn-ts -w 4: more event loops than this machine's cores.
// BENCH_OTHER_BUILD=/elsewhere/dist/src/bin/gunicorn-ts.js compares this build with another
// one in the same run: plain node and one worker (-w 1) of each build, with the ratio of
// this build to the other printed last.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunicornTs, nodeCluster, plainNode, pm2, writeApps, type Target } from './lib/throughput-targets.js';
import { median, runWrk, type WrkResult } from './lib/throughput-wrk.js';
import { rssMb, sleep } from './lib/throughput-proc.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(args[0] ?? 8);
const rounds = Number(args[1] ?? 3);
const threadsProxy = process.argv.includes('--threads-proxy');

interface Sample {
  readonly keepAlive: WrkResult;
  readonly close: WrkResult;
  readonly launchMs: number;
  readonly managerMb: number[];
  readonly workerMb: number[];
}

async function measure(target: Target, port: number): Promise<Sample> {
  const running = await target.start(port);
  try {
    const managerMb = running.managers.map(rssMb);
    const workerMb = running.workers.map(rssMb);
    const keepAlive = await runWrk(running.url, seconds, false);
    await sleep(300);
    const close = await runWrk(running.url, seconds, true);
    return { keepAlive, close, launchMs: running.launchMs, managerMb, workerMb };
  } finally {
    await running.stop();
  }
}

const fmt = (n: number, digits = 0): string => (Number.isNaN(n) ? '-' : n.toFixed(digits));

function report(targets: readonly Target[], samples: Map<string, Sample[]>): void {
  const base = samples.get(targets[0]!.name)!;
  const baseKa = median(base.map((s) => s.keepAlive.rps));
  const baseClose = median(base.map((s) => s.close.rps));
  const baseLaunch = median(base.map((s) => s.launchMs));
  const rows = [['config', 'ka req/s', 'x', 'ka p50/p99 ms', 'close req/s', 'x', 'close p50/p99 ms', 'errors', 'manager MB', 'worker MB', 'first 200 ms', 'x']];
  for (const t of targets) {
    const s = samples.get(t.name)!;
    const m = (f: (x: Sample) => number): number => median(s.map(f));
    const ka = m((x) => x.keepAlive.rps);
    const close = m((x) => x.close.rps);
    const launch = m((x) => x.launchMs);
    const mgr = s[0]!.managerMb.length ? fmt(m((x) => x.managerMb[0]!), 1) : '-';
    const wrk = fmt(m((x) => median(x.workerMb)), 1);
    rows.push([
      t.name, fmt(ka), fmt(ka / baseKa, 2), `${fmt(m((x) => x.keepAlive.p50ms), 2)}/${fmt(m((x) => x.keepAlive.p99ms), 2)}`,
      fmt(close), fmt(close / baseClose, 2), `${fmt(m((x) => x.close.p50ms), 2)}/${fmt(m((x) => x.close.p99ms), 2)}`,
      String(s.reduce((a, x) => a + x.keepAlive.errors + x.close.errors, 0)), mgr, wrk, fmt(launch), fmt(launch / baseLaunch, 2),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log(`\nmedians of ${rounds} rounds; wrk -t2 -c64 -d${seconds}s --latency; x = ratio to plain node; MB = VmRSS at idle after start; worker MB = median worker`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gts-bench-'));
  writeApps(dir);
  const prefix = fileURLToPath(new URL('../../bench/out/pm2', import.meta.url));
  try {
    const other = process.env['BENCH_OTHER_BUILD'];
    const targets: Target[] = other !== undefined
      ? [plainNode(dir), gunicornTs(dir, 1), gunicornTs(dir, 1, other, ' (other build)')]
      : [plainNode(dir), nodeCluster(dir, 'rr'), nodeCluster(dir, 'none'), pm2(dir, prefix), gunicornTs(dir, 2)];
    if (threadsProxy) targets.push(gunicornTs(dir, 4));
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    let port = 20_000 + Math.floor(Math.random() * 20_000);
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no config always runs first (or last) on a warm machine.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
      for (const target of order) {
        const sample = await measure(target, port++);
        samples.get(target.name)!.push(sample);
        console.error(`round ${round + 1} ${target.name}: ${fmt(sample.keepAlive.rps)} / ${fmt(sample.close.rps)} req/s, first 200 after ${fmt(sample.launchMs)} ms`);
      }
    }
    report(targets, samples);
    if (other !== undefined) {
      const [, mine, theirs] = targets.map((t) => samples.get(t.name)!);
      // Median of the per-round ratios: both builds ran in the same round, under the same load.
      const ratio = (f: (x: Sample) => number): string => fmt(median(mine!.map((x, i) => f(x) / f(theirs![i]!))), 3);
      console.log(`this build / ${other} (median of per-round ratios): keep-alive ${ratio((x) => x.keepAlive.rps)}x, Connection: close ${ratio((x) => x.close.rps)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
