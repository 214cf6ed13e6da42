// Start-up time, idle memory and start-up CPU of gunicorn-ts against Node's own floor, alternated
// in one run: launch → first 200 of `gunicorn-ts -w 1 -b 127.0.0.1:0 hello.cjs`, `node plain.cjs`
// (same handler) and Node's cluster with 1 worker (the two-process floor; and again with a
// primary that requires two packages, cluster-deps.cjs, for what a primary that loads anything
// costs); the idle VmRSS and the CPU (utime+stime) each manager and worker spent by then; `gunicorn-ts --check-config` and
// `--version` against `node -e ''`. Ratios are medians of per-round ratios to the cluster (to
// `node -e ''` for the short commands), with their spread. NODE_EXTRA_CA_CERTS is unset
// (it triples Node's start-up here). Run it with each Node to compare (the children run on the same Node):
// npm run build && node dist/bench/startup.js [rounds=9] [--ts] [--settle] [--compare=BIN]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/throughput-wrk.js';
import { benchEnv, childPids, cpuSeconds, killGroup, msUntil200, rssMb, sleep } from './lib/throughput-proc.js';
import { GUNICORN_PORT_LINE, PORT_LINE, portOf, writeStartupApps } from './lib/startup-apps.js';

const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.cjs', import.meta.url));
const HELLO_TS = fileURLToPath(new URL('../../config-examples/apps/hello.ts', import.meta.url));
const rounds = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 9);
const withTs = process.argv.includes('--ts');
const settle = process.argv.includes('--settle');
const compareBin = process.argv.find((a) => a.startsWith('--compare='))?.slice('--compare='.length);
/** Idle time after the first 200 before memory is read: start-up garbage has had time to go. */
const IDLE_MS = 1000;
const SETTLE_MS = 12_000;

interface Memory {
  readonly managerMb: number;
  readonly workerMb: number;
  /** CPU spent so far (start-up, one request, idle), in ms. */
  readonly managerCpuMs: number;
  readonly workerCpuMs: number;
}

interface Sample extends Memory {
  readonly launchMs: number;
  readonly settled: Memory;
}

interface Target {
  readonly name: string;
  readonly args: (dir: string) => string[];
  /** The process's own log line that names the port it bound (port 0). */
  readonly portLine: RegExp;
  readonly managed: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

const PLAIN: Target = { name: 'node plain.cjs', args: () => ['plain.cjs'], portLine: PORT_LINE, managed: false };
/** The floor for any manager + worker design: two Node start-ups and nothing else. */
const CLUSTER: Target = { name: 'node cluster.cjs (1 worker)', args: () => ['cluster.cjs'], portLine: PORT_LINE, managed: true };
/** The cluster whose primary loads two packages first: what any primary beyond a bare fork pays. */
const CLUSTER_DEPS: Target = { name: 'node cluster-deps.cjs', args: () => ['cluster-deps.cjs'], portLine: PORT_LINE, managed: true };
const GTS: Target = { name: 'gunicorn-ts -w 1', args: () => [BIN, '-w', '1', '-b', '127.0.0.1:0', 'hello.cjs'], portLine: GUNICORN_PORT_LINE, managed: true };
const compare = (bin: string): Target => ({ name: 'gunicorn-ts -w 1 (--compare)', args: () => [bin, '-w', '1', '-b', '127.0.0.1:0', 'hello.cjs'], portLine: GTS.portLine, managed: true });
const GTS_TS: Target = { name: 'gunicorn-ts -w 1 (hello.ts)', args: () => [BIN, '-w', '1', '-b', '127.0.0.1:0', `${HELLO_TS}:app`], portLine: GTS.portLine, managed: true };


async function measure(target: Target, dir: string): Promise<Sample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, target.args(dir), { cwd: dir, env: benchEnv(target.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const port = await portOf(child, target.portLine).catch((err: Error) => {
      throw new Error(`${target.name}: ${err.message}`);
    });
    const launchMs = await msUntil200(`http://127.0.0.1:${port}/`, t0);
    await sleep(IDLE_MS);
    const early = memoryOf(child.pid!, target.managed);
    if (settle) await sleep(SETTLE_MS - IDLE_MS);
    return { launchMs, ...early, settled: settle ? memoryOf(child.pid!, target.managed) : NO_MEMORY };
  } finally {
    killGroup(child);
  }
}

const NO_MEMORY: Memory = { managerMb: Number.NaN, workerMb: Number.NaN, managerCpuMs: Number.NaN, workerCpuMs: Number.NaN };

function memoryOf(pid: number, managed: boolean): Memory {
  if (!managed) return { ...NO_MEMORY, workerMb: rssMb(pid), workerCpuMs: cpuSeconds([pid]) * 1000 };
  const workers = childPids(pid);
  if (workers.length !== 1) throw new Error(`expected 1 worker, found ${workers.length}`);
  return { managerMb: rssMb(pid), workerMb: rssMb(workers[0]!), managerCpuMs: cpuSeconds([pid]) * 1000, workerCpuMs: cpuSeconds([workers[0]!]) * 1000 };
}

/** Wall time of one short command, in ms. */
function timeRun(args: readonly string[], dir: string): number {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, args, { cwd: dir, env: benchEnv(), stdio: 'ignore' });
  if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}`);
  return performance.now() - t0;
}

const fmt = (n: number, digits = 0): string => (Number.isNaN(n) ? '-' : n.toFixed(digits));

/** Median of the per-round ratios a/b, with their range: `1.23x (1.10-1.31)`. */
function ratio(a: readonly number[], b: readonly number[]): string {
  const r = a.map((x, i) => x / b[i]!).filter((x) => Number.isFinite(x));
  if (r.length === 0) return '-';
  return `${fmt(median(r), 2)}x (${fmt(Math.min(...r), 2)}-${fmt(Math.max(...r), 2)})`;
}

type Metric = (s: Sample) => number;
const METRICS: readonly [string, Metric][] = [
  ['launch to first 200, ms', (s) => s.launchMs],
  ['master idle RSS, MB', (s) => s.managerMb],
  ['worker idle RSS, MB', (s) => s.workerMb],
  ['CPU starting the master, ms', (s) => s.managerCpuMs],
  ['CPU starting the worker, ms', (s) => s.workerCpuMs],
];
const SETTLED: readonly [string, Metric][] = [
  ['master settled RSS, MB', (s) => s.settled.managerMb],
  ['worker settled RSS, MB', (s) => s.settled.workerMb],
];

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(`| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
}

function report(targets: readonly Target[], samples: Map<Target, Sample[]>, commands: Map<string, number[]>): void {
  const base = samples.get(CLUSTER)!;
  const withDeps = samples.get(CLUSTER_DEPS)!;
  const others = targets.filter((t) => t !== CLUSTER && t !== PLAIN && t !== CLUSTER_DEPS);
  const rows = [['', 'node plain.cjs', CLUSTER.name, CLUSTER_DEPS.name,
    ...others.flatMap((t) => [t.name, 'ratio to cluster (range)', 'to cluster-deps'])]];
  for (const [label, metric] of [...METRICS, ...(settle ? SETTLED : [])]) {
    const cell = (t: Target): string => fmt(median(samples.get(t)!.map(metric)), 1);
    rows.push([label, cell(PLAIN), cell(CLUSTER), cell(CLUSTER_DEPS), ...others.flatMap((t) => [cell(t),
      ratio(samples.get(t)!.map(metric), base.map(metric)), ratio(samples.get(t)!.map(metric), withDeps.map(metric))])]);
  }
  table(rows);
  console.log('');
  const node = commands.get(NODE_E)!;
  const cmdRows = [['command', 'wall ms', `ratio to ${NODE_E} (range)`]];
  for (const [name, times] of commands) cmdRows.push([name, fmt(median(times)), name === NODE_E ? '' : ratio(times, node)]);
  table(cmdRows);
  console.log(`\nNode ${process.version}; medians of ${rounds} alternating rounds; RSS and CPU read ${IDLE_MS} ms (settled: ${SETTLE_MS} ms) after the first 200`);
}

const NODE_E = "node -e ''";
/** The short commands timed each round, beside `node -e ''`. */
const COMMANDS: readonly [string, (dir: string) => string[]][] = [
  [NODE_E, () => ['-e', '']],
  ['gunicorn-ts --version', () => [BIN, '--version']],
  ['gunicorn-ts --check-config hello.cjs', () => [BIN, '--check-config', 'hello.cjs']],
  ['gunicorn-ts --help', () => [BIN, '--help']],
];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gts-startup-'));
  writeStartupApps(dir);
  const targets = [PLAIN, CLUSTER, CLUSTER_DEPS, GTS, ...(compareBin ? [compare(compareBin)] : []), ...(withTs ? [GTS_TS] : [])];
  const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
  const commands = new Map<string, number[]>(COMMANDS.map(([name]) => [name, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so no config always runs first on a warm (or cold) machine.
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(i + round) % targets.length]!;
        const sample = await measure(target, dir);
        samples.get(target)!.push(sample);
        console.error(`round ${round + 1} ${target.name}: first 200 after ${fmt(sample.launchMs)} ms, master ${fmt(sample.managerMb, 1)} MB ${fmt(sample.managerCpuMs)} ms CPU, worker ${fmt(sample.workerMb, 1)} MB ${fmt(sample.workerCpuMs)} ms CPU`);
        await sleep(200);
      }
      for (let i = 0; i < COMMANDS.length; i++) {
        const [name, args] = COMMANDS[(i + round) % COMMANDS.length]!;
        commands.get(name)!.push(timeRun(args(dir), dir));
      }
    }
    report(targets, samples, commands);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
