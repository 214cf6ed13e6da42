// Throughput cost of the access log on a hello-world app: two servers, the same binary and
// app with `accesslog` off and on (a file, Gunicorn's default format), both running at once
// and measured alternately (off, on, off, on, ...) with short bounded wrk runs on 127.0.0.1,
// so drifting machine load hits both alike. Also reports the workers' CPU time per request
// (from /proc), which contention disturbs less than throughput. Target: ≤ 5%.
// Run: npx tsc -p . && node dist/bench/access-log.js [seconds=3] [pairs=8] [workers=2]
// (BENCH_ACCESS_FORMAT='...' measures another access_log_format.)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const seconds = Number(process.argv[2] ?? 3);
const pairs = Number(process.argv[3] ?? 8);
const workers = Number(process.argv[4] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'gts-bench-access-'));
const stops: Array<() => void> = [];
process.once('exit', () => {
  for (const stop of stops) stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Server { readonly url: string; readonly workerPids: number[] }

function start(accessLog: string | null): Promise<Server> {
  const args = [BIN, 'config-examples/apps/hello.ts:app', '--bind', '127.0.0.1:0', '--workers', String(workers), '--keep-alive', '5'];
  if (accessLog !== null) args.push('--access-logfile', accessLog);
  // BENCH_ACCESS_FORMAT: measure another access_log_format than Gunicorn's default.
  const format = process.env['BENCH_ACCESS_FORMAT'];
  if (accessLog !== null && format !== undefined) args.push('--access-logformat', format);
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const stop = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  stops.push(stop);
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => { stop(); reject(new Error(`server did not start:\n${text}`)); }, 30_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const url = /Listening at: (http:\/\/\S+)/.exec(text)?.[1];
      const pids = [...text.matchAll(/"msg":"Booting worker with pid: (\d+)"/g)].map((m) => Number(m[1]));
      if (url !== undefined && pids.length >= workers) {
        clearTimeout(timer);
        // Let every worker finish booting before measuring.
        setTimeout(() => resolve({ url, workerPids: pids }), 1000);
      }
    });
  });
}

/** utime + stime of the workers, in seconds (clock ticks of 1/100 s on Linux). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

function wrk(url: string): { rps: number; requests: number } {
  const out = execFileSync('wrk', ['-t2', '-c32', `-d${seconds}s`, `${url}/`], { encoding: 'utf8' });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
  const requests = /(\d+) requests in/.exec(out)?.[1];
  if (rps === undefined || requests === undefined) throw new Error(`cannot read wrk output:\n${out}`);
  return { rps: Number(rps), requests: Number(requests) };
}

interface Sample { readonly rps: number; readonly cpuUsPerRequest: number }

function measure(server: Server): Sample {
  const before = cpuSeconds(server.workerPids);
  const { rps, requests } = wrk(server.url);
  return { rps, cpuUsPerRequest: ((cpuSeconds(server.workerPids) - before) / requests) * 1e6 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const logFile = join(dir, 'access.log');
const offServer = await start(null);
const onServer = await start(logFile);
const off: Sample[] = [];
const on: Sample[] = [];
for (let i = 0; i < pairs; i++) {
  off.push(measure(offServer));
  on.push(measure(onServer));
  console.log(`pair ${i + 1}: off ${off.at(-1)!.rps.toFixed(0)} req/s ${off.at(-1)!.cpuUsPerRequest.toFixed(1)} µs cpu/req, ` +
    `on ${on.at(-1)!.rps.toFixed(0)} req/s ${on.at(-1)!.cpuUsPerRequest.toFixed(1)} µs cpu/req`);
}
const lines = readFileSync(logFile, 'utf8').split('\n').length - 1;
const ratio = median(on.map((s, i) => s.rps / off[i]!.rps));
const cpuOff = median(off.map((s) => s.cpuUsPerRequest));
const cpuOn = median(on.map((s) => s.cpuUsPerRequest));
console.log(`access log on/off throughput, median of ${pairs} alternated pairs of ${seconds}s, ${workers} workers: ` +
  `${ratio.toFixed(3)} (cost ${((1 - ratio) * 100).toFixed(1)}%)`);
console.log(`worker CPU per request, medians: off ${cpuOff.toFixed(1)} µs, on ${cpuOn.toFixed(1)} µs (cost ${((cpuOn / cpuOff - 1) * 100).toFixed(1)}%)`);
console.log(`access log: ${lines} lines, ${statSync(logFile).size} bytes; load on this machine: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
