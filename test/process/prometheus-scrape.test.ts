// A real Prometheus (Debian's `prometheus`) scrapes gunicorn-ts's metrics listener every
// second; after a known number of requests, its query API shows the target up and the
// counters equal to what was sent. Loopback only, bounded waits, both processes killed after.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { ServerProcess, httpGet, startGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const JOB = 'gunicorn-ts';
const dir = makeTempDir('gts-prometheus-');
const processes: ServerProcess[] = [];
let prometheus = '';
let appPort = 0;

after(async () => {
  for (const p of processes) await p.stop();
  dir.remove();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const get = httpGet;

interface Sample { readonly metric: Record<string, string>; readonly value: [number, string] }

/** An instant query against Prometheus's HTTP API; the vector's samples. */
async function query(expr: string): Promise<Sample[]> {
  const { status, body } = await get(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  assert.equal(status, 200, body);
  const answer = JSON.parse(body) as { status: string; data: { resultType: string; result: Sample[] } };
  assert.equal(answer.status, 'success');
  return answer.data.result;
}

async function scalar(expr: string): Promise<number | undefined> {
  const [first] = await query(expr);
  return first === undefined ? undefined : Number(first.value[1]);
}

/** Polls `expr` until it equals `want` (bounded); returns the last value seen. */
async function eventually(expr: string, want: number, ms = 20_000): Promise<number | undefined> {
  const deadline = Date.now() + ms;
  let seen = await scalar(expr);
  while (seen !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    seen = await scalar(expr);
  }
  return seen;
}

async function startPrometheus(target: string): Promise<string> {
  const config = dir.write('prometheus.yml', [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    `  - job_name: ${JOB}`,
    '    static_configs:',
    `      - targets: ["${target}"]`,
    '',
  ].join('\n'));
  const port = await freePort();
  const child = spawn('prometheus', [
    `--config.file=${config}`, `--storage.tsdb.path=${dir.path}/tsdb`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err)); // ENOENT: Debian's `prometheus` package is missing
  const server = new ServerProcess(child);
  processes.push(server);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await get(`${url}/-/ready`).then((r) => r.status === 200, () => false);
    if (ready) return url;
    if (spawnError !== undefined) assert.fail(`cannot run prometheus (apt-get install prometheus): ${spawnError.message}`);
    if (child.exitCode !== null || Date.now() > deadline) assert.fail(`Prometheus did not become ready:\n${server.stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a real Prometheus scraping /metrics', () => {
  before(async () => {
    const server = startGunicorn(['apps/metrics-app.ts:app', '--bind', '127.0.0.1:0', '--workers', '2', '--metrics-bind', '127.0.0.1:0']);
    processes.push(server);
    const [appUrl] = await server.listening();
    appPort = Number(new URL(appUrl!).port);
    const metricsUrl = (await server.waitForLog(/^Metrics at: /)).msg!.replace(/^Metrics at: /, '');
    prometheus = await startPrometheus(new URL(metricsUrl).host);
  });

  it('sees the target up with both workers ready', async () => {
    assert.equal(await eventually(`up{job="${JOB}"}`, 1), 1);
    assert.equal(await eventually(`gunicorn_ts_workers{job="${JOB}",state="ready"}`, 2), 2);
    assert.equal(await eventually(`gunicorn_ts_worker_boots_total{job="${JOB}"}`, 2), 2);
  });

  it('stores the request counters equal to the requests sent', async () => {
    const sent = { ok: 60, missing: 15 };
    for (let i = 0; i < sent.ok; i++) assert.equal((await get(`http://127.0.0.1:${appPort}/`)).status, 200);
    for (let i = 0; i < sent.missing; i++) assert.equal((await get(`http://127.0.0.1:${appPort}/missing`)).status, 404);
    const total = sent.ok + sent.missing;
    assert.equal(await eventually(`sum(gunicorn_ts_requests_total{job="${JOB}"})`, total), total);
    assert.equal(await scalar(`gunicorn_ts_requests_total{job="${JOB}",method="GET",status_class="2xx"}`), sent.ok);
    assert.equal(await scalar(`gunicorn_ts_requests_total{job="${JOB}",method="GET",status_class="4xx"}`), sent.missing);
    assert.equal(await eventually(`gunicorn_ts_request_duration_seconds_count{job="${JOB}"}`, total), total);
    assert.equal(await scalar(`gunicorn_ts_request_duration_seconds_bucket{job="${JOB}",le="+Inf"}`), total);
    assert.equal(await eventually(`sum(gunicorn_ts_worker_requests{job="${JOB}"})`, total), total);
    assert.equal(await scalar(`gunicorn_ts_requests_in_flight{job="${JOB}"}`), 0);
    const backlog = await query(`gunicorn_ts_listen_backlog{job="${JOB}"}`);
    assert.deepEqual(backlog.map((s) => s.metric['socket']), [`127.0.0.1:${appPort}`]);
  });
});
