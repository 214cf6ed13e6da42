// Throughput cost of metrics_bind on a hello-world app: the same binary and app with the
// metrics listener off and on, alternated in one run (off, on, off, on, ...), measured with
// wrk on 127.0.0.1 for a bounded time each, while /metrics is scraped every second.
// Run: npx tsc -p . && node dist/bench/metrics-overhead.js [seconds=5] [rounds=3]
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 3);

interface Server { readonly app: string; readonly metrics: string | null; stop(): void }

const stops = new Set<() => void>();
process.once('exit', () => { for (const stop of stops) stop(); });

function start(withMetrics: boolean): Promise<Server> {
  const args = [BIN, 'apps/metrics-app.ts:app', '--bind', '127.0.0.1:0', '--workers', '2', '--keep-alive', '5'];
  if (withMetrics) args.push('--metrics-bind', '127.0.0.1:0');
  const child = spawn(process.execPath, args, { cwd: FIXTURES, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const stop = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  stops.add(stop);
  return new Promise((resolve, reject) => {
    let text = '';
    let app: string | null = null;
    let metrics: string | null = null;
    const timer = setTimeout(() => { stop(); reject(new Error(`server did not start:\n${text}`)); }, 20_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      app ??= /Listening at: (http:\/\/\S+)/.exec(text)?.[1] ?? null;
      metrics ??= /Metrics at: (http:\/\/\S+)/.exec(text)?.[1] ?? null;
      const booted = (text.match(/"msg":"Booting worker/g) ?? []).length >= 2;
      if (app !== null && booted && (!withMetrics || metrics !== null)) {
        clearTimeout(timer);
        // Let both workers finish booting before measuring.
        setTimeout(() => resolve({ app: app!, metrics, stop }), 1000);
      }
    });
  });
}

function wrk(url: string): number {
  const out = execFileSync('wrk', ['-t2', '-c32', `-d${seconds}s`, `${url}/`], { encoding: 'utf8' });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
  if (rps === undefined) throw new Error(`cannot read wrk output:\n${out}`);
  return Number(rps);
}

async function measure(withMetrics: boolean): Promise<number> {
  const server = await start(withMetrics);
  const scraper = server.metrics === null ? undefined : setInterval(() => http.get(`${server.metrics}/metrics`, (r) => r.resume()).on('error', () => undefined), 1000);
  try {
    return wrk(server.app);
  } finally {
    clearInterval(scraper);
    server.stop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const off: number[] = [];
const on: number[] = [];
for (let i = 0; i < rounds; i++) {
  off.push(await measure(false));
  on.push(await measure(true));
  console.log(`round ${i + 1}: off ${off.at(-1)!.toFixed(0)} req/s, on ${on.at(-1)!.toFixed(0)} req/s`);
}
// Each round's pair ran back to back, so its ratio is less exposed to drifting machine load.
const ratio = median(on.map((r, i) => r / off[i]!));
console.log(`metrics on/off throughput, median of ${rounds} paired rounds of ${seconds}s: ${ratio.toFixed(3)} (cost ${((1 - ratio) * 100).toFixed(1)}%)`);
console.log(`medians: off ${median(off).toFixed(0)} req/s, on ${median(on).toFixed(0)} req/s; load on this machine: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`);
