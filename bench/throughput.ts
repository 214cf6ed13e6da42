// Throughput, latency, idle memory and start-up of gunicorn-ts against plain node, Node's
// cluster (RR and SCHED_NONE) and PM2, on one hello-world app, measured with wrk
// (-t2 -c64 --latency) keep-alive and with `Connection: close`, over alternating rounds.
// Run: npm run build && node dist/bench/throughput.js [seconds=8] [rounds=3]
// (`--threads-proxy` adds gunicorn-ts -w 4: more event loops than this machine's cores;
// `--frameworks` adds Express, Fastify and a bare listener, each under cluster SCHED_NONE and
// gunicorn-ts -w 2;
// `--frameworks-only` runs just those.
// BENCH_OTHER_BUILD=/elsewhere/dist/src/bin/gunicorn-ts.cjs compares this build with another
// one in the same run: plain node and one worker (-w 1) of each build, with the ratio of
// this build to the other printed last.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunicornTs, nodeCluster, plainNode, pm2, writeApps, type Target } from './lib/throughput-targets.js';
import { frameworkTargets, writeFrameworkApps } from './lib/throughput-frameworks.js';
import { median, runWrk, type WrkResult } from './lib/throughput-wrk.js';
import { cpuSeconds, rssMb, sleep } from './lib/throughput-proc.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(args[0] ?? 8);
const rounds = Number(args[1] ?? 3);
const threadsProxy = process.argv.includes('--threads-proxy');
const frameworksOnly = process.argv.includes('--frameworks-only');
const frameworks = frameworksOnly || process.argv.includes('--frameworks');

interface Sample {
  readonly keepAlive: WrkResult;
  /** The workers' CPU time per keep-alive request, in µs: steadier than req/s on a shared machine. */
  readonly kaCpuUs: number;
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
    const cpuBefore = cpuSeconds(running.workers);
    const keepAlive = await runWrk(running.url, seconds, false);
    const kaCpuUs = ((cpuSeconds(running.workers) - cpuBefore) / keepAlive.requests) * 1e6;
    await sleep(300);
    const close = await runWrk(running.url, seconds, true);
    return { keepAlive, kaCpuUs, close, launchMs: running.launchMs, managerMb, workerMb };
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

/**
 * Each framework's gunicorn-ts row against the same app under cluster SCHED_NONE: medians of
 * the per-round ratios (the two run back to back in each round, in alternating order), so
 * drift in what else the machine does cancels out.
 */
function reportFrameworks(pairs: ReadonlyArray<readonly [Target, Target]>, samples: Map<string, Sample[]>): void {
  const rows = [['app', 'ka req/s cluster/gts', 'x', 'close req/s cluster/gts', 'x', 'ka cpu µs/req cluster/gts', 'x', 'ka p99 ms cluster/gts', 'errors']];
  for (const [cluster, gts] of pairs) {
    const c = samples.get(cluster.name)!;
    const g = samples.get(gts.name)!;
    const both = (f: (x: Sample) => number, digits = 0): string => `${fmt(median(c.map(f)), digits)}/${fmt(median(g.map(f)), digits)}`;
    const ratio = (f: (x: Sample) => number): string => fmt(median(g.map((x, i) => f(x) / f(c[i]!))), 2);
    rows.push([
      cluster.name.split(':')[0]!, both(ka), ratio(ka), both(close), ratio(close), both(cpu, 1), ratio(cpu),
      `${fmt(median(c.map((x) => x.keepAlive.p99ms)), 2)}/${fmt(median(g.map((x) => x.keepAlive.p99ms)), 2)}`,
      String([...c, ...g].reduce((a, x) => a + x.keepAlive.errors + x.close.errors, 0)),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log('');
  for (const r of rows) console.log(r.map((col, i) => col.padEnd(widths[i]!)).join('  '));
  console.log(`\n${rounds} rounds, each pair back to back; x = median of the per-round ratios gunicorn-ts -w 2 / cluster SCHED_NONE ` +
    '(req/s: target >= 0.95; cpu per request: target <= 1.05)');
}

const ka = (x: Sample): number => x.keepAlive.rps;
const close = (x: Sample): number => x.close.rps;
const cpu = (x: Sample): number => x.kaCpuUs;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gts-bench-'));
  writeApps(dir);
  writeFrameworkApps(dir);
  const prefix = fileURLToPath(new URL('../../bench/out/pm2', import.meta.url));
  try {
    const other = process.env['BENCH_OTHER_BUILD'];
    const pairs = frameworks ? [frameworkTargets(dir, 'http'), frameworkTargets(dir, 'express'), frameworkTargets(dir, 'fastify')] : [];
    const builds = other !== undefined ? [plainNode(dir), gunicornTs(dir, 1), gunicornTs(dir, 1, other, ' (other build)')] : null;
    const targets: Target[] = builds ?? (frameworksOnly ? [] : [plainNode(dir), nodeCluster(dir, 'rr'), nodeCluster(dir, 'none'), pm2(dir, prefix), gunicornTs(dir, 2)]);
    if (threadsProxy) targets.push(gunicornTs(dir, 4));
    targets.push(...pairs.flat());
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    // Below Linux's ephemeral range (32768+), where other programs' client sockets could hold the port.
    let port = 20_000 + Math.floor(Math.random() * 10_000);
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no config always runs first (or last) on a warm machine;
      // each framework pair runs back to back, its order alternating (ABBA).
      const single = targets.filter((t) => !pairs.flat().includes(t));
      const order = [...single.map((_, i) => single[(i + round) % single.length]!), ...pairs.flatMap(([a, b]) => (round % 2 ? [b, a] : [a, b]))];
      for (const target of order) {
        const sample = await measure(target, port++);
        samples.get(target.name)!.push(sample);
        console.error(`round ${round + 1} ${target.name}: ${fmt(sample.keepAlive.rps)} / ${fmt(sample.close.rps)} req/s, first 200 after ${fmt(sample.launchMs)} ms`);
      }
    }
    if (!frameworksOnly || builds !== null) report(targets.filter((t) => !pairs.flat().includes(t)), samples);
    if (pairs.length > 0) reportFrameworks(pairs, samples);
    if (builds !== null) {
      const [, mine, theirs] = builds.map((t) => samples.get(t.name)!);
      // Median of the per-round ratios: both builds ran in the same round, under the same load.
      const ratio = (f: (x: Sample) => number): string => fmt(median(mine!.map((x, i) => f(x) / f(theirs![i]!))), 3);
      console.log(`this build / ${other} (median of per-round ratios): keep-alive ${ratio(ka)}x, Connection: close ${ratio(close)}x, ` +
        `workers' CPU per keep-alive request ${ratio(cpu)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
