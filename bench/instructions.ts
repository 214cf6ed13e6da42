// Instructions per request in one worker, counted by valgrind's callgrind: gunicorn-ts -w 1
// against one worker of Node's cluster (SCHED_NONE) serving the same app, for the bare
// listener, Express and Fastify over HTTP/1.1 keep-alive, and the bare listener over cleartext
// HTTP/2 (against node:http2 in a cluster worker).
//
// Why instructions: req/s and CPU time on a shared 2-core VM move by more than the 5% these
// comparisons are about (bench/README.md, the framework rows). An instruction count does not
// depend on what else the machine runs, so it settles whether gunicorn-ts makes a framework's
// own per-request work grow. It counts work, not time: cache misses and waits are not in it.
//
// How: each server runs under `valgrind --tool=callgrind --trace-children=yes
// --instr-atstart=no` (nothing counted, and little slowed, until told), is warmed up by
// h2load, then the worker is switched on with `callgrind_control -i on`; each round zeroes the
// counters, sends a fixed number of requests and dumps. The first instrumented round is
// dropped (it runs while valgrind re-translates the hot code). Every target is started fresh
// `starts` times, alternating with its baseline.
// Run: npm run build && flock /tmp/gts-bench.lock node dist/bench/instructions.js [rounds=3]
//      [--requests=10000] [--starts=2] [--only=http,express,fastify,h2] [--bin=other build's bin]
// Needs valgrind and h2load (Debian: apt-get install -y valgrind nghttp2-client).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHttp2Apps } from './lib/http2-apps.js';
import { runH2load } from './lib/http2-load.js';
import { writeFrameworkApps } from './lib/throughput-frameworks.js';
import { benchEnv, childPids, killGroup, launch, sleep } from './lib/throughput-proc.js';
import { median } from './lib/throughput-wrk.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rounds = Number(positional[0] ?? 3);
const requests = Number(option('requests', '10000'));
const starts = Number(option('starts', '2'));
const only = option('only', 'http,express,fastify,h2').split(',');
const WARMUP_REQUESTS = 50_000;
/** `--bin=<another build's dist/src/bin/gunicorn-ts.cjs>` measures that build instead. */
const BIN = option('bin', fileURLToPath(new URL('../src/bin/gunicorn-ts.cjs', import.meta.url)));

type Protocol = 'h1' | 'h2';

interface Target {
  readonly name: string;
  readonly protocol: Protocol;
  readonly args: (port: number) => string[];
}

interface Pair {
  readonly app: string;
  readonly baseline: Target;
  readonly gunicorn: Target;
}

function pairs(): Pair[] {
  const h1 = (fw: string): Pair => ({
    app: fw === 'http' ? 'bare listener' : fw,
    baseline: { name: `${fw}: cluster SCHED_NONE, 1 worker`, protocol: 'h1', args: () => [`${fw}-cluster.cjs`] },
    gunicorn: { name: `${fw}: gunicorn-ts -w 1`, protocol: 'h1', args: (port) => [BIN, '-w', '1', '-b', `127.0.0.1:${port}`, `${fw}-app.cjs`] },
  });
  const h2: Pair = {
    app: 'bare listener, HTTP/2',
    baseline: { name: 'h2: node:http2, cluster SCHED_NONE, 1 worker', protocol: 'h2', args: () => ['h2-cluster.cjs'] },
    gunicorn: {
      name: 'h2: gunicorn-ts -w 1',
      protocol: 'h2',
      args: (port) => [BIN, '-w', '1', '-b', `127.0.0.1:${port}`, '--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge', 'handler.cjs'],
    },
  };
  return [...['http', 'express', 'fastify'].filter((fw) => only.includes(fw)).map(h1), ...(only.includes('h2') ? [h2] : [])];
}

/** h2load with a fixed number of requests; resolves with the number answered 2xx. */
async function load(protocol: Protocol, url: string, count: number): Promise<number> {
  // h2load wants at least as many requests as connections: a probe of one uses one.
  const connections = String(Math.min(count, protocol === 'h1' ? 8 : 4));
  const shape = protocol === 'h1' ? ['--h1', '-c', connections] : ['-c', connections, '-m', '10'];
  const { twoxx, failed } = await runH2load([...shape, '-n', String(count), url], 600_000);
  if (failed > 0) throw new Error(`h2load: ${failed} of ${count} requests failed at ${url}`);
  return twoxx;
}

/** The callgrind total (Ir) of the newest dump the worker wrote into `dir`. */
async function dumpedTotal(dir: string, pid: number, dumpsBefore: number): Promise<number> {
  const prefix = `cg.${pid}.`;
  for (let i = 0; i < 400; i++) {
    const dumps = readdirSync(dir).filter((f) => f.startsWith(prefix)).map((f) => Number(f.slice(prefix.length))).sort((a, b) => a - b);
    const newest = dumps.at(-1);
    if (dumps.length > dumpsBefore && newest !== undefined) {
      const text = readFileSync(join(dir, `${prefix}${newest}`), 'utf8');
      const total = /^totals: (\d+)/m.exec(text);
      if (total) return Number(total[1]);
    }
    await sleep(50);
  }
  throw new Error(`callgrind wrote no dump for pid ${pid} in ${dir} (${readdirSync(dir).join(', ')})`);
}

async function upWithOneWorker(pid: number, protocol: Protocol, url: string): Promise<number> {
  for (let i = 0; i < 1200; i++) {
    try {
      await load(protocol, url, 1);
      // Read the children after an answer: before it, gunicorn-ts's only child may be its
      // one-shot listen helper (the probe's connection queues in the kernel meanwhile).
      await sleep(500);
      const workers = childPids(pid);
      if (workers.length === 1) return workers[0]!;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`no single worker answering at ${url}`);
}

/** Instructions per request in the target's worker, one figure per round. */
async function measure(dir: string, target: Target, port: number): Promise<number[]> {
  const out = mkdtempSync(join(dir, 'cg-'));
  const url = `http://127.0.0.1:${port}/`;
  const valgrind = ['--tool=callgrind', '--trace-children=yes', '--instr-atstart=no', `--callgrind-out-file=${out}/cg.%p`, process.execPath];
  const child = launch('valgrind', [...valgrind, ...target.args(port)], { cwd: dir, env: benchEnv({ PORT: String(port), WORKERS: '1' }) });
  try {
    const worker = await upWithOneWorker(child.pid!, target.protocol, url);
    await load(target.protocol, url, WARMUP_REQUESTS);
    execFileSync('callgrind_control', ['-i', 'on', String(worker)], { stdio: 'ignore' });
    const perRequest: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      execFileSync('callgrind_control', ['-z', String(worker)], { stdio: 'ignore' });
      const served = await load(target.protocol, url, requests);
      execFileSync('callgrind_control', ['-d', String(worker)], { stdio: 'ignore' });
      const total = await dumpedTotal(out, worker, round);
      if (round > 0) perRequest.push(total / served);
    }
    return perRequest;
  } finally {
    killGroup(child);
    await sleep(300);
  }
}

const k = (n: number): string => `${(n / 1000).toFixed(1)}k`;
const range = (xs: readonly number[], f: (n: number) => string): string => `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gts-bench-instr-'));
  writeFrameworkApps(dir);
  writeHttp2Apps(dir);
  let port = 20_000 + Math.floor(Math.random() * 10_000);
  const results: { pair: Pair; baseline: number[]; gunicorn: number[]; ratios: number[] }[] = [];
  try {
    for (const pair of pairs()) {
      const result = { pair, baseline: [] as number[], gunicorn: [] as number[], ratios: [] as number[] };
      for (let start = 0; start < starts; start++) {
        // ABBA: the baseline first on even starts, gunicorn-ts first on odd ones.
        const order = start % 2 === 0 ? [pair.baseline, pair.gunicorn] : [pair.gunicorn, pair.baseline];
        const counts = new Map<Target, number>();
        for (const target of order) {
          const perRequest = await measure(dir, target, port++);
          console.error(`${target.name}: ${perRequest.map(k).join(' ')} instructions per request`);
          counts.set(target, median(perRequest));
          (target === pair.baseline ? result.baseline : result.gunicorn).push(...perRequest);
        }
        result.ratios.push(counts.get(pair.gunicorn)! / counts.get(pair.baseline)!);
      }
      results.push(result);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nInstructions per request in the worker (callgrind), Node ${process.version}, ${requests} requests x ${rounds} rounds x ${starts} starts;`);
  console.log('HTTP/1.1: h2load --h1 -c8; HTTP/2: h2load -c4 -m10 (cleartext prior knowledge). Median (min-max).');
  console.log('| app | cluster worker | gunicorn-ts worker | ratio per start (min-max) |');
  console.log('|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.pair.app} | ${range(r.baseline, k)} | ${range(r.gunicorn, k)} | ${range(r.ratios, (n) => `${n.toFixed(3)}x`)} |`);
  }
}

await main();
