// What replacing workers costs clients: one run compares no recycling, plain max-requests,
// max-requests with wait_for_new_workers + warmup_requests (and with the cache warmed in
// post_worker_init instead), one plain HUP, rolling HUP reloads every 4 s, and one USR2 upgrade.
// App (bench/lib/recycle-app.mjs): 500 ms boot, 40 ms backend wait, first 20 requests of a
// worker 20 ms slower. Load: wrk -t2 -c32 -d20s --latency on 127.0.0.1, plus a 4-loop probe
// for the latency-over-time plot (bench/out/recycle.png).
// Run: npm run build && node dist/bench/recycle.js [seconds=20]
// Or:  node dist/bench/recycle.js [seconds=20] --hup-pairs=N: only no recycling and one plain
// HUP, alternated N times on fresh servers, with the median of the per-pair ratios (a shared
// machine's load moves both runs of a pair alike). --hup-with='--max-restarting-workers 4'
// (repeatable) adds a HUP variant with those options to each round.
import './lib/exit-on-signal.js';
import { fileURLToPath } from 'node:url';
import { startGunicorn, type ServerProcess } from '../test/helpers/server.js';
import { runWrk, type WrkFigures } from './lib/recycle-wrk.js';
import { percentile, probe, type ProbeSample } from './lib/recycle-probe.js';
import { plotLatency } from './lib/recycle-plot.js';

const SECONDS = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 20);
const HUP_PAIRS = Number(process.argv.find((a) => a.startsWith('--hup-pairs='))?.split('=')[1] ?? 0);
const WORKERS = '4';
const LIB = fileURLToPath(new URL('../../bench/lib/', import.meta.url));
const OUT = fileURLToPath(new URL('../../bench/out/', import.meta.url));
const NEW_OPTIONS = ['--wait-for-new-workers', '--warmup-requests', '20'];

interface Variant {
  readonly name: string;
  readonly args: readonly string[];
  /** Signals sent during the run (HUP, USR2). */
  readonly during?: (server: ServerProcess) => Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const VARIANTS: readonly Variant[] = [
  { name: 'no recycling', args: [] },
  { name: 'max-requests 500', args: ['--max-requests', '500'] },
  { name: 'max-requests 500 + wait + warmup 20', args: ['--max-requests', '500', ...NEW_OPTIONS] },
  { name: 'max-requests 500 + wait + post_worker_init warm', args: ['--max-requests', '500', '--wait-for-new-workers', '-c', 'recycle-warm.conf.mjs'] },
  { name: 'HUP once at 1/3 (plain kill -HUP)', args: [], during: hupOnce },
  { name: 'HUP every 4 s (plain)', args: [], during: (s) => hupEvery(s, 4000) },
  { name: 'HUP every 4 s + wait + warmup 20', args: NEW_OPTIONS, during: (s) => hupEvery(s, 4000) },
  { name: 'USR2 at 1/3 + wait + warmup 20', args: NEW_OPTIONS, during: upgradeOnce },
];

async function hupEvery(server: ServerProcess, ms: number): Promise<void> {
  for (let t = ms; t < SECONDS * 1000; t += ms) {
    await sleep(ms);
    server.signal('SIGHUP');
  }
}

/** One plain `kill -HUP` a third into the run, as an operator deploying would. */
async function hupOnce(server: ServerProcess): Promise<void> {
  await sleep((SECONDS * 1000) / 3);
  server.signal('SIGHUP');
}

/** USR2, wait until the new master's workers booted, then TERM the old master. */
async function upgradeOnce(server: ServerProcess): Promise<void> {
  await sleep((SECONDS * 1000) / 3);
  server.signal('SIGUSR2');
  const fresh = await server.waitFor('a new master', () => server.lines.find((l) => /^Starting gunicorn-ts/.test(l.msg ?? '') && l.pid !== server.pid)?.pid, 20_000);
  await server.waitFor('its workers booted', () => server.lines.filter((l) => l.pid === fresh && l.msg === 'worker booted').length >= Number(WORKERS), 20_000);
  server.signal('SIGTERM');
}

interface Result { readonly name: string; readonly wrk: WrkFigures; readonly probe: readonly ProbeSample[]; readonly replaced: number }

async function measure(v: Variant): Promise<Result> {
  const server = startGunicorn(['-b', '127.0.0.1:0', '-w', WORKERS, '--keep-alive', '5', ...v.args, 'recycle-app.mjs:create()'], { cwd: LIB });
  try {
    const [url] = await server.listening();
    await server.waitFor('workers booted', () => server.lines.filter((l) => l.msg === 'worker booted').length >= Number(WORKERS), 30_000);
    await sleep(1000);
    const during = v.during?.(server);
    const [wrk, samples] = await Promise.all([runWrk(`${url}/`, 32, SECONDS), probe(`${url}/`, 4, SECONDS)]);
    await during;
    const replaced = server.lines.filter((l) => l.msg === 'booting worker').length - Number(WORKERS);
    return { name: v.name, wrk: wrk.figures, probe: samples, replaced };
  } finally {
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
    await server.stop();
  }
}

function row(r: Result, base: Result): string {
  const w = r.wrk;
  const probeErrors = r.probe.filter((s) => !s.ok).length;
  const cells = [
    r.name.padEnd(48), String(r.replaced).padStart(5), `${w.socketErrors + w.non2xx}${w.timeouts > 0 ? ` (${w.timeouts} t/o)` : ''}`.padStart(12), String(probeErrors).padStart(6),
    w.rps.toFixed(0).padStart(6), (w.rps / base.wrk.rps).toFixed(2).padStart(5),
    w.p50ms.toFixed(1).padStart(7), w.p99ms.toFixed(1).padStart(7), (w.p99ms / base.wrk.p99ms).toFixed(2).padStart(6),
    w.maxMs.toFixed(0).padStart(6), (w.maxMs / base.wrk.maxMs).toFixed(1).padStart(6),
    percentile(r.probe.map((s) => s.ms), 99).toFixed(1).padStart(8),
  ];
  return cells.join(' ');
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** --hup-with=ARGS (repeatable): more plain-HUP variants run in each round, with these options. */
const HUP_WITH = process.argv.filter((a) => a.startsWith('--hup-with=')).map((a) => a.slice('--hup-with='.length).split(' ').filter(Boolean));

/** --hup-pairs: the plain-HUP row (and any --hup-with variants) against its own baseline, round by round. */
async function hupPairs(pairs: number): Promise<void> {
  const base = VARIANTS[0]!;
  const plain = VARIANTS.find((v) => v.during === hupOnce)!;
  const hups: Variant[] = [plain, ...HUP_WITH.map((args) => ({ name: `HUP ${args.join(' ')}`, args, during: hupOnce }))];
  const rows: { base: Result; hups: Result[] }[] = [];
  for (let i = 0; i < pairs; i++) {
    process.stderr.write(`round ${i + 1}/${pairs}\n`);
    const b = await measure(base);
    const hs: Result[] = [];
    for (const v of hups) hs.push(await measure(v));
    rows.push({ base: b, hups: hs });
  }
  const errors = (r: Result): number => r.wrk.socketErrors + r.wrk.non2xx + r.probe.filter((s) => !s.ok).length;
  process.stdout.write(`wrk -t2 -c32 -d${SECONDS}s --latency, ${WORKERS} workers, 127.0.0.1: no recycling vs one kill -HUP at 1/3, ${pairs} rounds\n`);
  hups.forEach((v, k) => {
    process.stdout.write(`\n${k === 0 ? 'plain kill -HUP (no option)' : v.name}\n`);
    process.stdout.write('pair  base rps  HUP rps  rps x  base p99  HUP p99  p99 x  HUP errors  replaced\n');
    rows.forEach(({ base: b, hups: hs }, i) => {
      const h = hs[k]!;
      process.stdout.write(`${String(i + 1).padStart(4)} ${b.wrk.rps.toFixed(0).padStart(9)} ${h.wrk.rps.toFixed(0).padStart(8)} ${(h.wrk.rps / b.wrk.rps).toFixed(2).padStart(6)} `
        + `${b.wrk.p99ms.toFixed(1).padStart(9)} ${h.wrk.p99ms.toFixed(1).padStart(8)} ${(h.wrk.p99ms / b.wrk.p99ms).toFixed(2).padStart(6)} ${String(errors(h)).padStart(11)} ${String(h.replaced).padStart(9)}\n`);
    });
    const rps = rows.map((r) => r.hups[k]!.wrk.rps / r.base.wrk.rps);
    const p99 = rows.map((r) => r.hups[k]!.wrk.p99ms / r.base.wrk.p99ms);
    const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
    const failed = rows.reduce((n, r) => n + errors(r.hups[k]!), 0);
    process.stdout.write(`median: throughput ${median(rps).toFixed(2)}x (${spread(rps)}), p99 ${median(p99).toFixed(2)}x (${spread(p99)}); failed requests with HUP: ${failed}\n`);
  });
}

async function main(): Promise<void> {
  if (HUP_PAIRS > 0) return hupPairs(HUP_PAIRS);
  const results: Result[] = [];
  for (const v of VARIANTS) {
    process.stderr.write(`running: ${v.name}\n`);
    results.push(await measure(v));
  }
  const base = results[0]!;
  const header = ['variant'.padEnd(48), 'repl.', '      errors', 'probeE', '   rps', ' x', '    p50', '    p99', '   x', '   max', '   x', 'probe99'].join(' ');
  process.stdout.write(`wrk -t2 -c32 -d${SECONDS}s --latency, ${WORKERS} workers, 127.0.0.1 (latencies in ms; x = ratio to no recycling)\n${header}\n`);
  for (const r of results) process.stdout.write(`${row(r, base)}\n`);
  const png = `${OUT}recycle.png`;
  if (plotLatency(OUT, png, results.map((r) => ({ name: r.name, samples: r.probe })))) process.stdout.write(`plot: ${png}\n`);
}

await main();
