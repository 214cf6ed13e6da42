// A light latency probe that runs beside wrk: a few keep-alive loops that record, for every
// request, when it started (ms since the probe began), how long it took, and failures.
// wrk only reports aggregates; the probe gives the latency-over-time plot.
import { Agent, request } from 'node:http';

export interface ProbeSample { readonly at: number; readonly ms: number; readonly ok: boolean }

export async function probe(url: string, loops: number, seconds: number): Promise<ProbeSample[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: loops });
  const samples: ProbeSample[] = [];
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const once = (): Promise<boolean> => new Promise((resolve) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    }).on('error', () => resolve(false)).end();
  });
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const start = performance.now();
      const ok = await once();
      samples.push({ at: start - t0, ms: performance.now() - start, ok });
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  agent.destroy();
  return samples.sort((a, b) => a.at - b.at);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
