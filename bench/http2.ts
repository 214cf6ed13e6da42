// HTTP/2 throughput and CPU per request of gunicorn-ts -w 2 against two processes of plain
// node:http2 sharing the port (Node's cluster with SCHED_NONE: both accept; on Node >= 22.12
// also two independent processes with reusePort), one hello-world handler, cleartext prior
// knowledge, alternated rounds, medians of the per-round ratios with their spread.
// Run: npx tsc -p . && flock /tmp/gts-bench.lock node dist/bench/http2.js [seconds=8] [rounds=5] [connections=16] [streams=10]
// Load: h2load (Debian: apt-get install -y nghttp2-client), else (or with BENCH_H2_CLIENT=node)
// the Node http2 client of bench/lib/http2-client.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { h2LoadGenerator, type H2Result } from './lib/http2-load.js';
import { median } from './lib/throughput-wrk.js';
import { benchEnv, childPids, cpuSeconds, killGroup, launch, sleep } from './lib/throughput-proc.js';
import { writeHttp2Apps } from './lib/http2-apps.js';

const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.cjs', import.meta.url));
const [seconds = 8, rounds = 5, connections = 16, streams = 10] = process.argv.slice(2).map(Number);

interface Target { readonly name: string; readonly args: (port: number) => string[] }

/** net's reusePort listen option: Node 22.12+ and 23.1+. */
function hasReusePort(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major >= 23 || (major === 22 && minor >= 12);
}

const TARGETS: Target[] = [
  { name: 'node:http2 x2 (cluster SCHED_NONE)', args: () => ['h2-cluster.cjs'] },
  ...(hasReusePort() ? [{ name: 'node:http2 x2 (reusePort)', args: () => ['h2-reuseport.cjs'] }] : []),
  { name: 'gunicorn-ts -w 2', args: (port) => [BIN, '-w', '2', '-b', `127.0.0.1:${port}`, '--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge', 'handler.cjs'] },
];

function h2Ok(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const session = http2.connect(origin);
    const done = (ok: boolean): void => { session.destroy(); resolve(ok); };
    session.on('error', () => done(false));
    session.setTimeout(1000, () => done(false));
    const req = session.request({ ':path': '/' });
    req.on('response', (h) => { req.resume(); req.on('end', () => done(h[':status'] === 200)); });
    req.on('error', () => done(false));
  });
}

interface Sample { readonly load: H2Result; readonly cpuUs: number }

async function measure(dir: string, target: Target, port: number, load: ReturnType<typeof h2LoadGenerator>): Promise<Sample> {
  const origin = `http://127.0.0.1:${port}`;
  const child = launch(process.execPath, target.args(port), { cwd: dir, env: benchEnv({ PORT: String(port) }) });
  try {
    for (let i = 0; i < 600 && (childPids(child.pid!).length < 2 || !(await h2Ok(origin))); i++) await sleep(50);
    await sleep(500);
    const workers = childPids(child.pid!);
    if (workers.length !== 2) throw new Error(`${target.name}: ${workers.length} workers`);
    const before = cpuSeconds(workers);
    const result = await load.run(origin, seconds);
    return { load: result, cpuUs: ((cpuSeconds(workers) - before) / result.requests) * 1e6 };
  } finally {
    killGroup(child);
    await sleep(300);
  }
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);
const spread = (xs: number[], digits = 2): string => `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}-${fmt(Math.max(...xs), digits)})`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gts-bench-h2-'));
  writeHttp2Apps(dir);
  const load = h2LoadGenerator(connections, streams);
  const samples = new Map<string, Sample[]>(TARGETS.map((t) => [t.name, []]));
  let port = 20_000 + Math.floor(Math.random() * 10_000);
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round, so no target always runs first on a warm machine.
      for (let i = 0; i < TARGETS.length; i++) {
        const target = TARGETS[(i + round) % TARGETS.length]!;
        const sample = await measure(dir, target, port++, load);
        samples.get(target.name)!.push(sample);
        console.error(`round ${round + 1} ${target.name}: ${fmt(sample.load.rps)} req/s, ${fmt(sample.cpuUs, 1)} µs CPU/req, ${sample.load.failed} failed`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const gts = samples.get(TARGETS.at(-1)!.name)!;
  console.log(`\n${load.name}, ${seconds} s per run, ${rounds} rounds, Node ${process.version}, cleartext prior knowledge, 127.0.0.1`);
  console.log('target                              req/s (median)  CPU µs/req  failed');
  for (const t of TARGETS) {
    const s = samples.get(t.name)!;
    console.log(`${t.name.padEnd(36)}${fmt(median(s.map((x) => x.load.rps))).padStart(14)}  ${fmt(median(s.map((x) => x.cpuUs)), 1).padStart(10)}  ${s.reduce((a, x) => a + x.load.failed, 0)}`);
  }
  for (const base of TARGETS.slice(0, -1)) {
    const b = samples.get(base.name)!;
    const rps = gts.map((x, i) => x.load.rps / b[i]!.load.rps);
    const cpu = gts.map((x, i) => x.cpuUs / b[i]!.cpuUs);
    console.log(`gunicorn-ts -w 2 / ${base.name}, median (min-max) of per-round ratios: req/s ${spread(rps)} (target >= 0.95), CPU per request ${spread(cpu)}`);
  }
}

await main();
