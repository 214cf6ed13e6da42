// Throughput cost of the access log on a hello-world app: two servers, the same binary and
// app with `accesslog` off and on (a file, Gunicorn's default format), both running at once
// and measured alternately (ABBA: off on, on off, ...) with short bounded wrk runs on
// 127.0.0.1, so drifting machine load hits both alike; results are medians of paired ratios.
// Also reports the workers' CPU time per request (from /proc). Target: ≤ 5%. On a shared
// 2-CPU machine both figures move by tens of percent between rounds: read the pair lines.
// Run: npm run build && node dist/bench/access-log.js [seconds=3] [pairs=8] [workers=1, 2 on one CPU]
// (BENCH_ACCESS_FORMAT='...' measures another access_log_format; BENCH_ACCESS_LOG=/dev/null
// writes the lines nowhere, which separates the logging path from the disk's own cost;
// BENCH_AA=1 compares two servers without the access log: the noise floor of this machine;
// BENCH_OTHER_BUILD=/elsewhere/dist/src/bin/gunicorn-ts.cjs runs the "off" server from another
// build, with the access log on (off with BENCH_AA=1), to compare two versions directly;
// BENCH_CONNECTIONS sets wrk's connections, 32 by default; the pairs are spread over
// BENCH_STARTS fresh pairs of servers, 3 by default.)
// `node dist/bench/access-log.js micro` instead times the worker's per-request logging path
// in process, on real IncomingMessage/ServerResponse objects (no sockets, no wrk).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '../src/log/index.js';
import { resolveLayers } from '../src/config/load.js';

/** The registry's defaults: the logger is measured as a default start configures it. */
const DEFAULT_LOG_SETTINGS = resolveLayers([]).config;
import { accessRecorder, type AccessRecorder } from '../src/worker/access-recorder.js';
import { arrivedAt, workerResponseClass } from '../src/worker/worker-response.js';

const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.cjs', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const seconds = Number(process.argv[2] ?? 3);
const pairs = Number(process.argv[3] ?? 8);
const workers = Number(process.argv[4] ?? (availableParallelism() >= 2 ? 1 : 2));
// With 2+ CPUs the servers' processes are pinned to CPU 0 and wrk to the others, so wrk never
// takes CPU from a worker. BENCH_MODE=abba (the default): one server at a time, in
// alternating order (off on, on off, ...). BENCH_MODE=together: both servers loaded at once,
// sharing CPU 0; whatever else the machine does hits both alike, but the two workers preempt
// each other all the time, which makes every request dearer than when a worker has the CPU
// to itself (read its ratio as the cost under that contention).
const mode = process.env['BENCH_MODE'] ?? 'abba';
const pinned = availableParallelism() >= 2;
const dir = mkdtempSync(join(tmpdir(), 'gts-bench-access-'));
const stops: Array<() => void> = [];
process.once('exit', () => {
  for (const stop of stops) stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Server {
  readonly url: string;
  readonly workerPids: number[];
  /** Stops the server gracefully (SIGTERM, so the access log is written out), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

function start(accessLog: string | null, bin = BIN): Promise<Server> {
  const args = [bin, 'config-examples/apps/hello.ts:app', '--bind', '127.0.0.1:0', '--workers', String(workers), '--keep-alive', '5'];
  if (accessLog !== null) args.push('--access-logfile', accessLog);
  // BENCH_ACCESS_FORMAT: measure another access_log_format than Gunicorn's default.
  const format = process.env['BENCH_ACCESS_FORMAT'];
  if (accessLog !== null && format !== undefined) args.push('--access-logformat', format);
  const child = pinned
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    : spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const stop = (): void => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  stops.push(stop);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopGracefully = async (): Promise<void> => {
    try { process.kill(child.pid!, 'SIGTERM'); } catch { /* gone */ }
    const timer = setTimeout(stop, 10_000);
    await exited;
    clearTimeout(timer);
  };
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
        setTimeout(() => resolve({ url, workerPids: pids, stop: stopGracefully }), 1000);
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

function wrk(url: string): Promise<{ rps: number; requests: number }> {
  const args = ['-t1', `-c${process.env['BENCH_CONNECTIONS'] ?? 32}`, `-d${seconds}s`, `${url}/`];
  const [cmd, argv] = pinned ? ['taskset', ['-c', `1-${availableParallelism() - 1}`, 'wrk', ...args]] : ['wrk', ['-t2', ...args.slice(1)]];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv as string[], { encoding: 'utf8', timeout: (seconds + 30) * 1000 }, (err, out) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1];
      const requests = /(\d+) requests in/.exec(out)?.[1];
      if (err !== null || rps === undefined || requests === undefined) reject(err ?? new Error(`cannot read wrk output:\n${out}`));
      else resolve({ rps: Number(rps), requests: Number(requests) });
    });
  });
}

interface Sample { readonly rps: number; readonly cpuUsPerRequest: number }

/** Loads each server (all at once, or one after the other) and samples its workers' CPU. */
async function measure(servers: readonly Server[], atOnce: boolean): Promise<Sample[]> {
  const before = servers.map((s) => cpuSeconds(s.workerPids));
  const loads = atOnce ? await Promise.all(servers.map((s) => wrk(s.url))) : [];
  if (!atOnce) for (const s of servers) loads.push(await wrk(s.url));
  return servers.map((s, i) => ({
    rps: loads[i]!.rps,
    cpuUsPerRequest: ((cpuSeconds(s.workerPids) - before[i]!) / loads[i]!.requests) * 1e6,
  }));
}

/** The part of serve-request.ts's shared 'close' listener that times the request. */
function closedListener(recorder: AccessRecorder | null): (this: http.ServerResponse) => void {
  return function (this: http.ServerResponse): void {
    const now = performance.now();
    const arrived = arrivedAt(this, now);
    recorder?.finished(this, arrived, now - arrived);
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Nanoseconds per request of the access log in process, on real IncomingMessage/ServerResponse
 * objects: `off` is what every worker does without it (the worker's response class notes the
 * arrival, one shared 'close' listener reads the clock once); `on` adds the access recorder,
 * Logger.access() and the batched write; `none` is plain node:http objects. The fastest of
 * `rounds` rounds of `requests`; the loop yields to the event loop every 32 requests so the
 * log's file writes complete as in a server. The counting write()/end() sit on Node's own
 * ServerResponse.prototype once `on` exists, so in this one process `none` and `off` pass
 * through them too (one property check each); a worker without the access log never has them.
 */
async function micro(requests = 100_000, rounds = 7): Promise<void> {
  const format = process.env['BENCH_ACCESS_FORMAT'] ?? DEFAULT_LOG_SETTINGS.access_log_format;
  const who = { role: 'worker' as const, pid: process.pid };
  const log = new Logger({ ...DEFAULT_LOG_SETTINGS, accesslog: join(dir, 'micro.log'), access_log_format: format }, who);
  const recorder = accessRecorder(log);
  const socket = new Socket();
  const variants = {
    none: { Response: http.ServerResponse, closed: null },
    off: { Response: workerResponseClass(), closed: closedListener(null) },
    on: { Response: workerResponseClass(recorder?.features), closed: closedListener(recorder) },
  };
  const time = async (variant: typeof variants[keyof typeof variants]): Promise<number> => {
    const { Response, closed } = variant;
    let ns = 0n;
    for (let done = 0; done < requests; done += 32) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 32; i++) {
        const req = new http.IncomingMessage(socket);
        req.method = 'GET';
        req.url = '/';
        req.httpVersion = '1.1';
        req.rawHeaders = ['Host', '127.0.0.1:8000', 'User-Agent', 'wrk/4.2.0'];
        const res = new Response(req);
        if (closed !== null) res.on('close', closed);
        res.end('hello\n');
        res.emit('close');
      }
      ns += process.hrtime.bigint() - t0;
      await new Promise((r) => setImmediate(r));
    }
    return Number(ns) / requests;
  };
  const best = { none: Infinity, off: Infinity, on: Infinity };
  for (let r = 0; r < rounds; r++) {
    for (const k of ['none', 'off', 'on'] as const) best[k] = Math.min(best[k], await time(variants[k]));
  }
  console.log(`per request, best of ${rounds} rounds of ${requests} (format ${JSON.stringify(format)}): ` +
    `${best.none.toFixed(0)} ns plain node:http objects, ${best.off.toFixed(0)} ns as a worker without the access log, ` +
    `${best.on.toFixed(0)} ns with it (+${(best.on - best.off).toFixed(0)} ns)`);
  await log.close();
  console.log(`load: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
}

if (process.argv[2] === 'micro') {
  await micro();
  process.exit(0);
}

const logFile = process.env['BENCH_ACCESS_LOG'] ?? join(dir, 'access.log');
console.log(`load before: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
// BENCH_OTHER_BUILD: the "off" server is another build of gunicorn-ts, logging like "on".
const otherBuild = process.env['BENCH_OTHER_BUILD'];
const startOff = (): Promise<Server> => (otherBuild === undefined ? start(null)
  : start(process.env['BENCH_AA'] === '1' ? null : logFile === '/dev/null' ? logFile : `${logFile}.other`, otherBuild));
// BENCH_AA=1: the "on" server runs without the access log too, which shows the noise floor.
const startOn = (): Promise<Server> => start(process.env['BENCH_AA'] === '1' ? null : logFile);
// The pairs are spread over BENCH_STARTS fresh pairs of servers (3 by default): how V8
// happens to compile a worker's hot paths differs from one process to the next and then
// holds for the process's life, a difference that pairing rounds cannot cancel out.
const starts = Math.max(1, Math.min(pairs, Number(process.env['BENCH_STARTS'] ?? 3)));
const off: Sample[] = [];
const on: Sample[] = [];
const perStart: number[] = [];
for (let k = 0; k < starts; k++) {
  const offServer = await startOff();
  const onServer = await startOn();
  // One unmeasured round each first: V8 compiles a new worker's hot paths under load.
  await measure([offServer, onServer], false);
  const first = off.length;
  const count = Math.floor(pairs / starts) + (k < pairs % starts ? 1 : 0);
  for (let i = 0; i < count; i++) {
    // ABBA order: whichever runs second in a pair (warmer caches, drifting load) alternates.
    const together = mode === 'together';
    const [a, b] = i % 2 === 0 || together
      ? await measure([offServer, onServer], together)
      : (await measure([onServer, offServer], false)).reverse();
    off.push(a!);
    on.push(b!);
    console.log(`start ${k + 1} pair ${i + 1}: off ${a!.rps.toFixed(0)} req/s ${a!.cpuUsPerRequest.toFixed(1)} µs cpu/req, ` +
      `on ${b!.rps.toFixed(0)} req/s ${b!.cpuUsPerRequest.toFixed(1)} µs cpu/req`);
  }
  perStart.push(median(on.slice(first).map((s, i) => s.rps / off[first + i]!.rps)));
  await Promise.all([offServer.stop(), onServer.stop()]);
}
// Paired ratios: each pair ran under the same machine load, which moves both figures a lot.
const ratio = median(on.map((s, i) => s.rps / off[i]!.rps));
const cpuRatio = median(on.map((s, i) => s.cpuUsPerRequest / off[i]!.cpuUsPerRequest));
const cpuOff = median(off.map((s) => s.cpuUsPerRequest));
const cpuOn = median(on.map((s) => s.cpuUsPerRequest));
const how = `${mode === 'together' ? 'both at once' : 'ABBA'} rounds of ${seconds}s${pinned ? ', servers on CPU 0, wrk on the others' : ''}`;
console.log(`access log on/off throughput, median of ${pairs} paired ratios (${how}; ${starts} starts), ${workers} workers: ` +
  `${ratio.toFixed(3)} (cost ${((1 - ratio) * 100).toFixed(1)}%); median of each start: ${perStart.map((r) => r.toFixed(3)).join(', ')}`);
console.log(`worker CPU per request: median of paired ratios ${cpuRatio.toFixed(3)} (cost ${((cpuRatio - 1) * 100).toFixed(1)}%); ` +
  `medians off ${cpuOff.toFixed(1)} µs, on ${cpuOn.toFixed(1)} µs`);
const written = process.env['BENCH_AA'] === '1' ? 'off in both (A/A)' : logFile === '/dev/null' ? 'written to /dev/null'
  : `${readFileSync(logFile, 'utf8').split('\n').length - 1} lines, ${statSync(logFile).size} bytes`;
console.log(`access log: ${written}; load on this machine: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
// The servers' stderr pipes would keep this process alive: exit (the 'exit' handler kills them).
process.exit(0);
