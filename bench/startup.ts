// Start-up time and idle memory of gunicorn-ts against plain node: launch → first 200 of
// `gunicorn-ts -w 1 -b 127.0.0.1:0 hello.cjs`, `node plain.cjs` (same handler) and Node's cluster
// with 1 worker (the two-process floor), alternated; the idle VmRSS of each manager and worker;
// `gunicorn-ts --version` against `node -e ''`. NODE_EXTRA_CA_CERTS is unset.
// Run: npx tsc -p . && node dist/bench/startup.js [rounds=9] [--ts] [--settle] [--compare=BIN]
// (--ts adds the hello.ts app, loaded through jiti; --settle reads memory again 12 s later, once
// V8's memory reducer has shrunk the young generation that start-up grew, ~8 s after the last GC;
// --compare adds another build's dist/src/bin/gunicorn-ts.js, e.g. a worktree of an older commit.)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/throughput-wrk.js';
import { benchEnv, childPids, killGroup, msUntil200, rssMb, sleep } from './lib/throughput-proc.js';

const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.js', import.meta.url));
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
}

function writeApps(dir: string): void {
  writeFileSync(join(dir, 'hello.cjs'), `module.exports = (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World\\n');
};
`);
  writeFileSync(join(dir, 'plain.cjs'), `const server = require('node:http').createServer(require('./hello.cjs'));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`);
  writeFileSync(join(dir, 'cluster.cjs'), `const cluster = require('node:cluster');
if (cluster.isPrimary) {
  cluster.fork();
  cluster.on('listening', (worker, address) => console.log('port ' + address.port));
} else {
  require('node:http').createServer(require('./hello.cjs')).listen(0, '127.0.0.1');
}
`);
}

const PLAIN: Target = { name: 'node plain.cjs', args: () => ['plain.cjs'], portLine: /^port (\d+)$/m, managed: false };
/** The floor for any manager + worker design: two Node start-ups and nothing else. */
const CLUSTER: Target = { name: 'node cluster.cjs (1 worker)', args: () => ['cluster.cjs'], portLine: /^port (\d+)$/m, managed: true };
const GTS: Target = { name: 'gunicorn-ts -w 1', args: () => [BIN, '-w', '1', '-b', '127.0.0.1:0', 'hello.cjs'], portLine: /Listening at: http:\/\/127\.0\.0\.1:(\d+)/, managed: true };
const compare = (bin: string): Target => ({ name: 'gunicorn-ts -w 1 (--compare)', args: () => [bin, '-w', '1', '-b', '127.0.0.1:0', 'hello.cjs'], portLine: GTS.portLine, managed: true });
const GTS_TS: Target = { name: 'gunicorn-ts -w 1 (hello.ts)', args: () => [BIN, '-w', '1', '-b', '127.0.0.1:0', `${HELLO_TS}:app`], portLine: GTS.portLine, managed: true };

/** Resolves with the port once the process logs it (stdout or stderr), keeps draining both after. */
function portOf(child: ChildProcess, line: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const port = line.exec(seen)?.[1];
      if (port !== undefined) resolve(Number(port));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before naming its port:\n${seen}`)));
  });
}

async function measure(target: Target, dir: string): Promise<Sample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, target.args(dir), { cwd: dir, env: benchEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const port = await portOf(child, target.portLine).catch((err: Error) => {
      throw new Error(`${target.name}: ${err.message}`);
    });
    const launchMs = await msUntil200(`http://127.0.0.1:${port}/`, t0);
    await sleep(IDLE_MS);
    const early = memoryOf(child.pid!, target.managed);
    if (settle) await sleep(SETTLE_MS - IDLE_MS);
    return { launchMs, ...early, settled: settle ? memoryOf(child.pid!, target.managed) : { managerMb: Number.NaN, workerMb: Number.NaN } };
  } finally {
    killGroup(child);
  }
}

function memoryOf(pid: number, managed: boolean): Memory {
  if (!managed) return { managerMb: Number.NaN, workerMb: rssMb(pid) };
  const workers = childPids(pid);
  if (workers.length !== 1) throw new Error(`expected 1 worker, found ${workers.length}`);
  return { managerMb: rssMb(pid), workerMb: rssMb(workers[0]!) };
}

/** Wall time of one short command, in ms. */
function timeRun(args: readonly string[], dir: string): number {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, args, { cwd: dir, env: benchEnv(), stdio: 'ignore' });
  if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}`);
  return performance.now() - t0;
}

const fmt = (n: number, digits = 0): string => (Number.isNaN(n) ? '-' : n.toFixed(digits));

function report(targets: readonly Target[], samples: Map<Target, Sample[]>, version: { node: number[]; gts: number[] }): void {
  const base = samples.get(PLAIN)!;
  const baseLaunch = median(base.map((s) => s.launchMs));
  const baseMb = median(base.map((s) => s.workerMb));
  const baseSettled = median(base.map((s) => s.settled.workerMb));
  const rows = [['config', 'first 200 ms', 'x', 'master MB', 'x', 'worker MB', 'x', ...(settle ? ['settled master/worker MB', 'x'] : [])]];
  for (const t of targets) {
    const s = samples.get(t)!;
    const launch = median(s.map((x) => x.launchMs));
    const mgr = t.managed ? median(s.map((x) => x.managerMb)) : Number.NaN;
    const wrk = median(s.map((x) => x.workerMb));
    const row = [t.name, fmt(launch), fmt(launch / baseLaunch, 2), fmt(mgr, 1), fmt(mgr / baseMb, 2), fmt(wrk, 1), fmt(wrk / baseMb, 2)];
    if (settle) {
      const sm = t.managed ? median(s.map((x) => x.settled.managerMb)) : Number.NaN;
      const sw = median(s.map((x) => x.settled.workerMb));
      row.push(`${fmt(sm, 1)}/${fmt(sw, 1)}`, `${fmt(sm / baseSettled, 2)}/${fmt(sw / baseSettled, 2)}`);
    }
    rows.push(row);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  const node = median(version.node);
  const gts = median(version.gts);
  console.log(`\nnode -e '': ${fmt(node)} ms; gunicorn-ts --version: ${fmt(gts)} ms (x${fmt(gts / node, 2)})`);
  console.log(`medians of ${rounds} alternating rounds; MB = VmRSS ${IDLE_MS} ms (settled: ${SETTLE_MS} ms) after the first 200; x = ratio to plain node (MB: to its server process)`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gts-startup-'));
  writeApps(dir);
  const targets = [PLAIN, CLUSTER, GTS, ...(compareBin ? [compare(compareBin)] : []), ...(withTs ? [GTS_TS] : [])];
  const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
  const version = { node: [] as number[], gts: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the order so no config always runs first on a warm (or cold) machine.
      for (let i = 0; i < targets.length; i++) {
        const target = targets[(i + round) % targets.length]!;
        const sample = await measure(target, dir);
        samples.get(target)!.push(sample);
        console.error(`round ${round + 1} ${target.name}: first 200 after ${fmt(sample.launchMs)} ms, master ${fmt(sample.managerMb, 1)} MB, worker ${fmt(sample.workerMb, 1)} MB`);
        await sleep(200);
      }
      version.node.push(timeRun(['-e', ''], dir));
      version.gts.push(timeRun([BIN, '--version'], dir));
    }
    report(targets, samples, version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
