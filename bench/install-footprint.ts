// What `npm install` costs a new user: the packed gunicorn-ts tarball against pm2, each
// installed into its own fresh project with its own empty npm cache (so both download every
// package from the registry), alternated over rounds. Reports the installed size of
// node_modules, the number of packages in it, and the wall time of `npm install`, as
// medians and as ratios gunicorn-ts / pm2 measured in the same run.
// Run: npm run build && node dist/bench/install-footprint.js [rounds=3]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const rounds = Number(process.argv[2] ?? 3);
const work = mkdtempSync(join(tmpdir(), 'gts-install-'));

interface Footprint {
  readonly ms: number;
  readonly bytes: number;
  readonly packages: number;
}

/** Bytes on disk (apparent sizes) and package.json-bearing package folders under node_modules. */
function measure(dir: string): { bytes: number; packages: number } {
  let bytes = 0;
  let packages = 0;
  const walk = (path: string, inNodeModules: boolean): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (inNodeModules && !entry.name.startsWith('.') && !entry.name.startsWith('@') && existsSync(join(full, 'package.json'))) packages++;
        walk(full, entry.name === 'node_modules' || (inNodeModules && entry.name.startsWith('@')));
      } else {
        bytes += statSync(full).size;
      }
    }
  };
  walk(join(dir, 'node_modules'), true);
  return { bytes, packages };
}

function install(name: string, spec: string, round: number): Footprint {
  const dir = join(work, `${name}-${round}`);
  const cache = join(work, `cache-${name}-${round}`);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0', private: true }));
  const started = process.hrtime.bigint();
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--cache', cache, spec], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`npm install ${spec} failed:\n${r.stderr}`);
  return { ms, ...measure(dir) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: repo, encoding: 'utf8' })) as Array<{ filename: string; size: number; unpackedSize: number }>;
  const tarball = join(work, packed[0]!.filename);
  console.log(`tarball ${packed[0]!.filename}: ${(packed[0]!.size / 1024).toFixed(0)} KiB packed, ${(packed[0]!.unpackedSize / 1024).toFixed(0)} KiB unpacked`);
  const results: Record<'gunicorn-ts' | 'pm2', Footprint[]> = { 'gunicorn-ts': [], pm2: [] };
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so a registry or disk warming up favours neither.
    const order: Array<['gunicorn-ts' | 'pm2', string]> = round % 2 === 0 ? [['gunicorn-ts', tarball], ['pm2', 'pm2']] : [['pm2', 'pm2'], ['gunicorn-ts', tarball]];
    for (const [name, spec] of order) {
      const f = install(name, spec, round);
      results[name].push(f);
      console.log(`round ${round + 1} ${name}: ${(f.ms / 1000).toFixed(1)} s, ${(f.bytes / 1048576).toFixed(1)} MiB, ${f.packages} packages`);
    }
  }
  const summary = (name: 'gunicorn-ts' | 'pm2'): { ms: number; bytes: number; packages: number } => ({
    ms: median(results[name].map((f) => f.ms)),
    bytes: median(results[name].map((f) => f.bytes)),
    packages: median(results[name].map((f) => f.packages)),
  });
  const g = summary('gunicorn-ts');
  const p = summary('pm2');
  for (const [name, s] of [['gunicorn-ts', g], ['pm2', p]] as const) {
    console.log(`median ${name}: npm install ${(s.ms / 1000).toFixed(1)} s, node_modules ${(s.bytes / 1048576).toFixed(1)} MiB, ${s.packages} packages`);
  }
  console.log(`ratio gunicorn-ts/pm2: time ${(g.ms / p.ms).toFixed(2)}, size ${(g.bytes / p.bytes).toFixed(2)}, packages ${(g.packages / p.packages).toFixed(2)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
