// Cost of the metrics feature on a hello-world app, on 127.0.0.1. Parts 1 and 2 are A/B runs
// against servers started once and measured in alternating wrk rounds (ABBA order):
//  1. gunicorn-ts with --metrics-bind (scraped every second) vs without: the arbiter's side.
//  2. a bare node:http server with the worker's request recorder vs without: the per-request
//     side, which runs in every worker (boot.ts attaches it whether or not metrics_bind is set,
//     so comparison 1 cannot see it).
//  2b. the recorder's nanoseconds per request in process, on real node:http objects.
//  3. the CPU one /metrics scrape costs an idle gunicorn-ts -w 2 (arbiter and workers).
// Beside req/s it reports CPU per request (utime+stime of the server's process group, from
// /proc): on a shared machine it moves less with other load than throughput does, though
// under heavy load both drift by tens of percent between rounds; read the per-round lines.
// Run: npm run build && node dist/bench/metrics-overhead.js [seconds=5] [rounds=6]   (PARTS=2b,3: only those)
import './lib/exit-on-signal.js';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { attachRequestStats } from '../src/worker/request-stats.js';
import { arrivedAt, workerResponseClass } from '../src/worker/worker-response.js';

const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.cjs', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

interface Target { readonly name: string; readonly url: string; readonly pgid: number }
interface Round { readonly rps: number; readonly cpuUsPerReq: number }

const children = new Set<ChildProcess>();
process.once('exit', () => { for (const c of children) try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ } });

function env(): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e['NODE_EXTRA_CA_CERTS']; // triples Node's start-up here
  delete e['GUNICORN_CMD_ARGS'];
  return e;
}

/** Spawns `args` in its own process group and resolves with the first stderr/stdout match. */
function launch(args: string[], ready: RegExp): Promise<{ pgid: number; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { cwd: FIXTURES, env: env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${ready} within 30 s:\n${text}`)), 30_000);
    const onData = (chunk: string): void => {
      text += chunk;
      const match = ready.exec(text);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ pgid: child.pid!, match });
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
  });
}

/** CPU time (ms) of every process in group `pgid`. */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_MS;
}

function wrk(url: string, seconds: number): Promise<{ rps: number; requests: number }> {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t2', '-c32', `-d${seconds}s`, `${url}/`], { timeout: (seconds + 30) * 1000 }, (err, out) => {
      if (err) return reject(err);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
      if (!(rps > 0 && requests > 0)) return reject(new Error(`cannot read wrk output:\n${out}`));
      resolve({ rps, requests });
    });
  });
}

async function measure(t: Target, seconds: number): Promise<Round> {
  const cpu0 = groupCpuMs(t.pgid);
  const { rps, requests } = await wrk(t.url, seconds);
  return { rps, cpuUsPerReq: ((groupCpuMs(t.pgid) - cpu0) * 1000) / requests };
}

async function gunicorn(withMetrics: boolean): Promise<Target> {
  const args = [BIN, 'apps/metrics-app.ts:app', '--bind', '127.0.0.1:0', '--workers', '2', '--keep-alive', '5'];
  if (withMetrics) args.push('--metrics-bind', '127.0.0.1:0');
  const { pgid, match } = await launch(args, withMetrics ? /Listening at: ([^\s"]+)[^]*Metrics at: ([^\s"]+)/ : /Listening at: ([^\s"]+)/);
  const booted = async (): Promise<void> => {
    // Two workers answering: a few requests on fresh connections reach both.
    for (let i = 0; i < 40; i++) await new Promise((r) => http.get(match[1]!, { agent: false }, (res) => r(res.resume())).on('error', r));
  };
  await new Promise((r) => setTimeout(r, 1500));
  await booted();
  if (withMetrics) setInterval(() => http.get(`${match[2]}/metrics`, (r) => r.resume()).on('error', () => undefined), 1000).unref();
  return { name: withMetrics ? 'metrics on' : 'metrics off', url: match[1]!, pgid };
}

async function bare(withRecorder: boolean): Promise<Target> {
  const { pgid, match } = await launch([SELF, '--serve', withRecorder ? 'recorder' : 'plain'], /port (\d+)/);
  return { name: withRecorder ? 'recorder' : 'no recorder', url: `http://127.0.0.1:${match[1]}`, pgid };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Alternating rounds (ABBA) of `a` (baseline) and `b`; prints each round and the paired medians. */
async function compare(a: Target, b: Target, seconds: number, rounds: number): Promise<void> {
  const ra: Round[] = [];
  const rb: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? [a, b] : [b, a];
    for (const t of order) (t === a ? ra : rb).push(await measure(t, seconds));
    const [x, y] = [ra.at(-1)!, rb.at(-1)!];
    console.log(`  round ${i + 1}: ${a.name} ${x.rps.toFixed(0)} req/s ${x.cpuUsPerReq.toFixed(1)} µs CPU/req | ${b.name} ${y.rps.toFixed(0)} req/s ${y.cpuUsPerReq.toFixed(1)} µs CPU/req | load ${loadavg()}`);
  }
  const rpsRatio = median(rb.map((r, i) => r.rps / ra[i]!.rps));
  const cpuRatio = median(rb.map((r, i) => r.cpuUsPerReq / ra[i]!.cpuUsPerReq));
  console.log(`  ${b.name} vs ${a.name}: throughput ×${rpsRatio.toFixed(3)} (cost ${((1 - rpsRatio) * 100).toFixed(1)}%), `
    + `CPU per request ×${cpuRatio.toFixed(3)} (cost ${((cpuRatio - 1) * 100).toFixed(1)}%), median of ${rounds} paired rounds of ${seconds}s`);
  const spread = (rs: Round[]): string => `${Math.min(...rs.map((r) => r.rps)).toFixed(0)}-${Math.max(...rs.map((r) => r.rps)).toFixed(0)}`;
  console.log(`  req/s range: ${a.name} ${spread(ra)}, ${b.name} ${spread(rb)}`);
}

/** CPU (whole process group) per /metrics scrape of an idle server: what each scrape takes from serving. */
async function scrapeCost(scrapes: number): Promise<void> {
  const { pgid, match } = await launch([BIN, 'apps/metrics-app.ts:app', '--bind', '127.0.0.1:0', '--workers', '2', '--metrics-bind', '127.0.0.1:0'],
    /Metrics at: ([^\s"]+)/);
  await new Promise((r) => setTimeout(r, 3000));
  const get = (): Promise<void> => new Promise((r) => http.get(`${match[1]}/metrics`, { agent: false }, (res) => res.resume().on('end', r)).on('error', () => r()));
  const idle0 = groupCpuMs(pgid);
  await new Promise((r) => setTimeout(r, 2000));
  const idleMsPerS = (groupCpuMs(pgid) - idle0) / 2;
  const t0 = performance.now();
  const cpu0 = groupCpuMs(pgid);
  for (let i = 0; i < scrapes; i++) await get();
  const cpu = groupCpuMs(pgid) - cpu0 - (idleMsPerS * (performance.now() - t0)) / 1000;
  console.log(`  ${(cpu / scrapes).toFixed(2)} ms CPU per scrape (arbiter + 2 workers, ${scrapes} scrapes back to back, idle ${idleMsPerS.toFixed(1)} ms/s subtracted): `
    + `${((cpu / scrapes) / 10).toFixed(3)}% of one core at one scrape per second`);
}

/**
 * A request listener that records each request as a worker does: the worker's response class
 * notes the arrival, one 'close' listener shared by every response hands the duration to the
 * recorder (serve-request.ts). Create the server with `{ ServerResponse: workerResponseClass() }`.
 */
function recording(handler: http.RequestListener): http.RequestListener {
  const stats = attachRequestStats(() => ({ requests: 0, inFlight: 0 }));
  const closed = function (this: http.ServerResponse): void {
    const now = performance.now();
    stats.record(this, now - arrivedAt(this, now));
  };
  return (req, res) => {
    res.on('close', closed);
    handler(req, res);
  };
}

/**
 * The recorder's own cost per request, in process on real node:http objects (no sockets, no wrk):
 * a 'request' emit plus the response's 'close', with and without the recorder. The fastest of
 * several rounds is the least disturbed by other load on the machine.
 */
function recorderNs(requests = 200_000, rounds = 7): void {
  const time = (withRecorder: boolean): number => {
    const Response = withRecorder ? workerResponseClass() : http.ServerResponse;
    const server = http.createServer(withRecorder ? recording(() => undefined) : () => undefined);
    const socket = new Socket();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) {
      const req = new http.IncomingMessage(socket);
      req.method = 'GET';
      const res = new Response(req);
      server.emit('request', req, res);
      res.emit('close');
    }
    return Number(process.hrtime.bigint() - t0) / requests;
  };
  const best = { off: Infinity, on: Infinity };
  for (let r = 0; r < rounds; r++) {
    best.off = Math.min(best.off, time(false));
    best.on = Math.min(best.on, time(true));
  }
  console.log(`  per request: ${best.off.toFixed(0)} ns without, ${best.on.toFixed(0)} ns with the recorder: +${(best.on - best.off).toFixed(0)} ns `
    + `(best of ${rounds} rounds of ${requests} on real IncomingMessage/ServerResponse objects)`);
}

/** Child mode: a hello-world node:http server, with or without the worker's recorder. */
function serve(mode: string): void {
  const hello: http.RequestListener = (_req, res) => res.end('hello\n');
  const server = mode === 'recorder'
    ? http.createServer({ ServerResponse: workerResponseClass() }, recording(hello))
    : http.createServer(hello);
  server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = Number(process.argv[3] ?? 6);
  // PARTS=2b,3: only those parts (these two take seconds and hardly move with other load).
  const parts = new Set((process.env['PARTS'] ?? '1,2,2b,3').split(','));
  console.log(`load before: ${loadavg()} (${(await import('node:os')).availableParallelism()} CPUs)`);
  if (parts.has('1')) {
    console.log('1. gunicorn-ts -w 2, hello app, wrk -t2 -c32, /metrics scraped every 1 s when on');
    await compare(await gunicorn(false), await gunicorn(true), seconds, rounds);
  }
  if (parts.has('2')) {
    console.log('2. bare node:http hello server (1 process), with vs without the worker request recorder');
    await compare(await bare(false), await bare(true), seconds, rounds);
  }
  if (parts.has('2b')) {
    console.log('2b. the recorder in process, without sockets or wrk');
    recorderNs();
  }
  if (parts.has('3')) {
    console.log('3. the cost of one scrape, on an idle gunicorn-ts -w 2');
    await scrapeCost(200);
  }
  process.exit(0);
}

if (process.argv[2] === '--serve') serve(process.argv[3] ?? 'plain');
else await main();
