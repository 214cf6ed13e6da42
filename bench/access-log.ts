// Throughput cost of the access log on a hello-world app: two servers, the same binary and
// app with `accesslog` off and on (a file, Gunicorn's default format), both running at once
// and measured alternately (ABBA: off on, on off, ...) with short bounded wrk runs on
// 127.0.0.1, so drifting machine load hits both alike; results are medians of paired ratios.
// Also reports the workers' CPU time per request (from /proc). Target: ≤ 5%. On a shared
// 2-CPU machine both figures move by tens of percent between rounds: read the pair lines.
// Run: npx tsc -p . && node dist/bench/access-log.js [seconds=3] [pairs=8] [workers=2]
// (BENCH_ACCESS_FORMAT='...' measures another access_log_format; BENCH_ACCESS_LOG=/dev/null
// writes the lines nowhere, which separates the logging path from the disk's own cost;
// BENCH_AA=1 compares two servers without the access log: the noise floor of this machine.)
// `node dist/bench/access-log.js micro` instead times the worker's per-request logging path
// in process, on real IncomingMessage/ServerResponse objects (no sockets, no wrk).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOG_SETTINGS, Logger } from '../src/log/index.js';
import { accessTracker, type AccessTracking } from '../src/worker/access-tracker.js';

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

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Nanoseconds per request of the tracker + Logger.access() (+ the batched write), beside the
 * same loop without a tracker: the fastest of `rounds` rounds of `requests`. The loop yields
 * to the event loop every 32 requests so the log's file writes complete as in a server.
 */
async function micro(requests = 100_000, rounds = 7): Promise<void> {
  const format = process.env['BENCH_ACCESS_FORMAT'] ?? DEFAULT_LOG_SETTINGS.access_log_format;
  const who = { role: 'worker' as const, pid: process.pid };
  const off = new Logger({ ...DEFAULT_LOG_SETTINGS }, who);
  const on = new Logger({ ...DEFAULT_LOG_SETTINGS, accesslog: join(dir, 'micro.log'), access_log_format: format }, who);
  const socket = new Socket();
  const time = async (tracking: AccessTracking | null): Promise<number> => {
    const Response = tracking?.ServerResponse ?? http.ServerResponse;
    let ns = 0n;
    for (let done = 0; done < requests; done += 32) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 32; i++) {
        const req = new http.IncomingMessage(socket);
        req.method = 'GET';
        req.url = '/';
        req.httpVersion = '1.1';
        req.headers = { host: '127.0.0.1:8000', 'user-agent': 'wrk/4.2.0' };
        const res = new Response(req);
        tracking?.track(req, res);
        res.end('hello\n');
        res.emit('close');
      }
      ns += process.hrtime.bigint() - t0;
      await new Promise((r) => setImmediate(r));
    }
    return Number(ns) / requests;
  };
  const best = { none: Infinity, off: Infinity, on: Infinity };
  const trackers = { none: null, off: accessTracker(off), on: accessTracker(on) };
  for (let r = 0; r < rounds; r++) {
    for (const k of ['none', 'off', 'on'] as const) best[k] = Math.min(best[k], await time(trackers[k]));
  }
  console.log(`per request, best of ${rounds} rounds of ${requests} (format ${JSON.stringify(format)}): ` +
    `${best.none.toFixed(0)} ns without a tracker, ${best.off.toFixed(0)} ns with access log/statsd off ` +
    `(+${(best.off - best.none).toFixed(0)}), ${best.on.toFixed(0)} ns with the access log on (+${(best.on - best.none).toFixed(0)})`);
  await Promise.all([off.close(), on.close()]);
  console.log(`load: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
}

if (process.argv[2] === 'micro') {
  await micro();
  process.exit(0);
}

const logFile = process.env['BENCH_ACCESS_LOG'] ?? join(dir, 'access.log');
console.log(`load before: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
const offServer = await start(null);
// BENCH_AA=1: the "on" server runs without the access log too, which shows the noise floor.
const onServer = await start(process.env['BENCH_AA'] === '1' ? null : logFile);
const off: Sample[] = [];
const on: Sample[] = [];
for (let i = 0; i < pairs; i++) {
  // ABBA order: whichever runs second in a pair (warmer caches, drifting load) alternates.
  if (i % 2 === 0) { off.push(measure(offServer)); on.push(measure(onServer)); }
  else { on.push(measure(onServer)); off.push(measure(offServer)); }
  console.log(`pair ${i + 1}: off ${off.at(-1)!.rps.toFixed(0)} req/s ${off.at(-1)!.cpuUsPerRequest.toFixed(1)} µs cpu/req, ` +
    `on ${on.at(-1)!.rps.toFixed(0)} req/s ${on.at(-1)!.cpuUsPerRequest.toFixed(1)} µs cpu/req`);
}
// Paired ratios: each pair ran under the same machine load, which moves both figures a lot.
const ratio = median(on.map((s, i) => s.rps / off[i]!.rps));
const cpuRatio = median(on.map((s, i) => s.cpuUsPerRequest / off[i]!.cpuUsPerRequest));
const cpuOff = median(off.map((s) => s.cpuUsPerRequest));
const cpuOn = median(on.map((s) => s.cpuUsPerRequest));
console.log(`access log on/off throughput, median of ${pairs} paired ratios (ABBA rounds of ${seconds}s), ${workers} workers: ` +
  `${ratio.toFixed(3)} (cost ${((1 - ratio) * 100).toFixed(1)}%)`);
console.log(`worker CPU per request: median of paired ratios ${cpuRatio.toFixed(3)} (cost ${((cpuRatio - 1) * 100).toFixed(1)}%); ` +
  `medians off ${cpuOff.toFixed(1)} µs, on ${cpuOn.toFixed(1)} µs`);
const written = process.env['BENCH_AA'] === '1' ? 'off in both (A/A)' : logFile === '/dev/null' ? 'written to /dev/null'
  : `${readFileSync(logFile, 'utf8').split('\n').length - 1} lines, ${statSync(logFile).size} bytes`;
console.log(`access log: ${written}; load on this machine: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
// The servers' stderr pipes would keep this process alive: exit (the 'exit' handler kills them).
process.exit(0);
