// Draws bench/recycle's latency-over-time plot with gnuplot (Debian: gnuplot-nox): one line
// per variant, the p99 of the probe's requests in each 250 ms window, log scale.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile, type ProbeSample } from './recycle-probe.js';

const WINDOW_MS = 250;

function windows(samples: readonly ProbeSample[]): string {
  const byWindow = new Map<number, number[]>();
  for (const s of samples) {
    const w = Math.floor(s.at / WINDOW_MS);
    byWindow.set(w, [...(byWindow.get(w) ?? []), s.ms]);
  }
  return [...byWindow].sort((a, b) => a[0] - b[0])
    .map(([w, ms]) => `${((w * WINDOW_MS) / 1000).toFixed(2)} ${percentile(ms, 99).toFixed(2)}`).join('\n');
}

/** Writes <outDir>/<name>.dat per variant and renders png; returns false when gnuplot is missing. */
export function plotLatency(outDir: string, png: string, series: ReadonlyArray<{ name: string; samples: readonly ProbeSample[] }>): boolean {
  mkdirSync(outDir, { recursive: true });
  const plots = series.map(({ name, samples }, i) => {
    const file = join(outDir, `recycle-${i}.dat`);
    writeFileSync(file, `${windows(samples)}\n`);
    return `'${file}' using 1:2 with lines lw 2 title '${name.replace(/'/g, '')}'`;
  });
  const script = [
    'set terminal pngcairo size 1200,650 noenhanced', `set output '${png}'`,
    "set title 'gunicorn-ts bench/recycle: p99 latency per 250 ms window (probe beside wrk -c32)'",
    "set xlabel 'seconds into the run'", "set ylabel 'p99 latency (ms, log)'", 'set logscale y', 'set grid',
    'set key top left font ",9"', `plot ${plots.join(', ')}`,
  ].join('\n');
  try {
    execFileSync('gnuplot', [], { input: script });
    return true;
  } catch (err) {
    process.stderr.write(`gnuplot failed or missing (apt-get install -y gnuplot-nox): ${(err as Error).message}\n`);
    return false;
  }
}
