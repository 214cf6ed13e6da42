// Instructions a start executes, counted by valgrind's callgrind: from exec to the first 200,
// the master (or cluster primary) and its one worker, for `gunicorn-ts -w 1` against Node's
// cluster with one worker serving the same handler, and a bare `node -e ''` for the floor of
// any Node process. bench/startup measures the same starts in time, which on a shared 2-core
// machine moves by more than the differences it is after; an instruction count does not
// depend on what else runs (it counts work, not waits or cache misses).
//
// How: each server runs under `valgrind --tool=callgrind --trace-children=yes`; once it
// answers 200, `callgrind_control -d PID` dumps the count so far of it and of each child. The listen
// helper (Perl, or `node -e` without Perl) is left out. The apps and command lines are
// bench/startup's (bench/lib/startup-apps.ts), so both measure the same starts. gunicorn-ts's code caches
// (src/compile-cache.cts) live in a fresh $XDG_CACHE_HOME written by one untimed start, or are
// absent in every start with --cold.
// Run: npm run build && flock /tmp/gts-bench.lock node dist/bench/startup-instructions.js
//      [rounds=3] [--cold] [--bin=another build's dist/src/bin/gunicorn-ts.cjs]
// Needs valgrind (Debian: apt-get install -y valgrind).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, childPids, killGroup, msUntil200, sleep } from './lib/throughput-proc.js';
import { GUNICORN_PORT_LINE, PORT_LINE, portOf, writeStartupApps } from './lib/startup-apps.js';
import { median } from './lib/throughput-wrk.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(positional[0] ?? 3);
const cold = process.argv.includes('--cold');
const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.cjs', import.meta.url));
const OTHER = option('bin');

interface Target {
  readonly name: string;
  readonly args: string[];
  /** The line that names its port; null: it serves nothing (`node -e ''`). */
  readonly portLine: RegExp | null;
}

const dir = mkdtempSync(join(tmpdir(), 'gts-bench-start-instr-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
writeStartupApps(dir);

const gunicorn = (bin: string): string[] => [bin, '-w', '1', '-b', '127.0.0.1:0', 'hello.cjs'];
const targets: Target[] = [
  { name: "node -e ''", args: ['-e', ''], portLine: null },
  { name: 'cluster, 1 worker', args: ['cluster.cjs'], portLine: PORT_LINE },
  { name: 'gunicorn-ts -w 1', args: gunicorn(BIN), portLine: GUNICORN_PORT_LINE },
  ...(OTHER === undefined ? [] : [{ name: `other build (${OTHER})`, args: gunicorn(OTHER), portLine: GUNICORN_PORT_LINE }]),
];

/** Instructions per traced process: [command line, count] (one dump per process). */
function counts(outDir: string): Array<[string, number]> {
  return readdirSync(outDir).filter((f) => /^cg\.\d+(\.1)?$/.test(f)).flatMap((f): Array<[string, number]> => {
    const text = readFileSync(join(outDir, f), 'utf8');
    const cmd = /^cmd:\s*(.*)$/m.exec(text)?.[1] ?? '';
    const summary = /^summary:\s*(\d+)$/m.exec(text)?.[1];
    // A process that ran to its end (node -e '') has only its final file; a dumped one, `.1`.
    if (summary === undefined || (!f.endsWith('.1') && readdirSync(outDir).includes(`${f}.1`))) return [];
    return [[cmd, Number(summary)]];
  });
}

async function measure(target: Target, cacheHome: string): Promise<{ master: number; worker: number }> {
  const outDir = mkdtempSync(join(dir, 'cg-'));
  const child = spawn('valgrind', ['--tool=callgrind', '--trace-children=yes', `--callgrind-out-file=${outDir}/cg.%p`, process.execPath, ...target.args], {
    cwd: dir, env: benchEnv({ XDG_CACHE_HOME: cacheHome }), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  try {
    if (target.portLine !== null) {
      const port = await portOf(child, target.portLine);
      await msUntil200(`http://127.0.0.1:${port}/`, performance.now(), 120_000);
      // Each process by pid: without one, callgrind_control also waits on the pipes that
      // processes killed earlier (not by this bench) left behind, for ever.
      for (const pid of [child.pid!, ...childPids(child.pid!)]) execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore', timeout: 60_000 });
    } else {
      await new Promise((resolve) => child.once('exit', resolve));
    }
  } finally {
    // TERM first: valgrind removes its pipes when the process exits, not when it is killed.
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
    await sleep(2000);
    killGroup(child);
  }
  const nodes = counts(outDir).filter(([cmd]) => cmd.includes(process.execPath) || cmd.startsWith('node '));
  // The master is the process valgrind started (its command line is ours); the worker, the other node.
  const masterCmd = `${process.execPath} ${target.args.join(' ')}`.trim();
  const master = nodes.find(([cmd]) => cmd.trim() === masterCmd)?.[1] ?? Number.NaN;
  const worker = nodes.find(([cmd]) => cmd.trim() !== masterCmd && !cmd.includes(' -e '))?.[1] ?? Number.NaN;
  return { master, worker };
}

const fmt = (n: number): string => (Number.isNaN(n) ? '-' : `${(n / 1e6).toFixed(1)}M`);
const freshCache = (): string => mkdtempSync(join(dir, 'cache-'));
const warmCache = freshCache();
if (!cold) {
  // One untimed start per gunicorn-ts build writes its code caches.
  for (const t of targets.filter((x) => x.portLine === GUNICORN_PORT_LINE)) await measure(t, warmCache);
}
const results = new Map<string, Array<{ master: number; worker: number }>>(targets.map((t) => [t.name, []]));
for (let round = 1; round <= rounds; round++) {
  for (const target of round % 2 === 1 ? targets : [...targets].reverse()) {
    const r = await measure(target, cold ? freshCache() : warmCache);
    results.get(target.name)!.push(r);
    console.log(`round ${round} ${target.name}: master ${fmt(r.master)}, worker ${fmt(r.worker)} instructions`);
  }
}

const m = (name: string, key: 'master' | 'worker'): number => median(results.get(name)!.map((r) => r[key]));
const ratio = (a: number, b: number): string => (Number.isNaN(a) || Number.isNaN(b) ? '-' : `${(a / b).toFixed(2)}x`);
console.log(`\n| ${['', ...targets.map((t) => t.name), 'gunicorn-ts / cluster'].join(' | ')} |`);
for (const key of ['master', 'worker'] as const) {
  const row = targets.map((t) => fmt(m(t.name, key)));
  console.log(`| ${[`${key}, exec to first 200`, ...row, ratio(m('gunicorn-ts -w 1', key), m('cluster, 1 worker', key))].join(' | ')} |`);
}
console.log(`\nNode ${process.version}; medians of ${rounds} alternating rounds; code caches ${cold ? 'absent (--cold)' : 'written by an untimed start'}; NODE_EXTRA_CA_CERTS unset`);
