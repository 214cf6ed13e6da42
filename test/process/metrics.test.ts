// /metrics and /healthz served by the real arbiter: counters exact after a bounded load,
// the exposition accepted by promtool, the backlog gauge rising while every worker is
// blocked, and /healthz turning 503 on TERM while the app's socket still accepts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGunicorn } from '../helpers/server.js';
import type { ServerProcess } from '../helpers/server.js';

const APP = 'apps/metrics-app.ts:app';
const servers: ServerProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'gts-metrics-'));

after(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Target = { host: string; port: number } | { socketPath: string };

function target(url: string): Target {
  if (url.startsWith('unix:')) return { socketPath: url.slice('unix:'.length) };
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

function request(to: Target, path: string, opts: { method?: string; agent?: http.Agent } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ ...to, path, method: opts.method ?? 'GET', agent: opts.agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(args: string[]): Promise<{ server: ServerProcess; app: Target; metrics: Target }> {
  const server = startGunicorn([APP, '--bind', '127.0.0.1:0', ...args]);
  servers.push(server);
  const [appUrl] = await server.listening();
  const line = await server.waitForLog(/^Metrics at: /);
  const metrics = target(line.msg!.replace(/^Metrics at: /, ''));
  await waitHealthy(metrics);
  return { server, app: target(appUrl!), metrics };
}

async function waitHealthy(metrics: Target): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if ((await request(metrics, '/healthz')).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('/healthz never answered 200');
}

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** Every request of `plan`, `concurrency` at a time over keep-alive connections. */
async function load(app: Target, plan: ReadonlyArray<{ path: string; method: string }>, concurrency: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < plan.length) {
      const { path, method } = plan[next++]!;
      await request(app, path, { method, agent });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  agent.destroy();
}

describe('metrics endpoint', () => {
  it('counts a bounded load exactly once it stops, and promtool accepts the exposition', async () => {
    const { app, metrics } = await start(['--workers', '2', '--metrics-bind', '127.0.0.1:0']);
    const plan = [
      ...Array.from({ length: 240 }, () => ({ path: '/', method: 'GET' })),
      ...Array.from({ length: 40 }, () => ({ path: '/missing', method: 'GET' })),
      ...Array.from({ length: 20 }, () => ({ path: '/', method: 'POST' })),
    ];
    await load(app, plan, 8);
    // Requests the HTTP edge answers itself (request line over limit_request_line: 414)
    // never reach the app, and are counted all the same.
    for (let i = 0; i < 3; i++) assert.equal((await request(app, `/${'x'.repeat(5000)}`)).status, 414);
    const { status, body } = await request(metrics, '/metrics');
    assert.equal(status, 200);
    assert.equal(sample(body, 'gunicorn_ts_requests_total{method="GET",status_class="2xx"}'), 240);
    assert.equal(sample(body, 'gunicorn_ts_requests_total{method="GET",status_class="4xx"}'), 43);
    assert.equal(sample(body, 'gunicorn_ts_requests_total{method="POST",status_class="2xx"}'), 20);
    assert.equal(sample(body, 'gunicorn_ts_request_duration_seconds_count'), 303);
    assert.equal(sample(body, 'gunicorn_ts_requests_in_flight'), 0);
    assert.equal(sample(body, 'gunicorn_ts_workers{state="ready"}'), 2);
    assert.equal(sample(body, 'gunicorn_ts_worker_boots_total'), 2);
    const perWorker = body.split('\n').filter((l) => l.startsWith('gunicorn_ts_worker_requests{')).map((l) => Number(l.split(' ')[1]));
    assert.equal(perWorker.length, 2);
    // Served by the app, per worker: the edge's 414s are not among them.
    assert.equal(perWorker.reduce((a, b) => a + b, 0), 300);
    assert.match(body, /gunicorn_ts_worker_resident_memory_bytes\{pid="\d+",generation="0"\} \d+/);
    assert.match(body, /gunicorn_ts_listen_backlog\{socket="127\.0\.0\.1:\d+"\} 0/);
    // promtool exits non-zero on a parse error or a lint problem.
    execFileSync('promtool', ['check', 'metrics'], { input: body });
  });

  it('serves over a Unix socket, and 404s anything but /metrics and /healthz', async () => {
    const path = join(dir, 'metrics.sock');
    const { metrics } = await start(['--workers', '1', '--metrics-bind', `unix:${path}`]);
    assert.deepEqual(metrics, { socketPath: path });
    assert.equal((await request(metrics, '/')).status, 404);
    assert.equal((await request(metrics, '/metrics', { method: 'POST' })).status, 405);
    const health = JSON.parse((await request(metrics, '/healthz')).body) as Record<string, unknown>;
    assert.deepEqual(health, { ok: true, status: 'ok', serving: 1, required: 1, phase: 'running' });
  });

  it('shows a backlog above 0 while every worker is blocked and connections queue', async () => {
    const { app, metrics } = await start(['--workers', '1', '--timeout', '30', '--metrics-bind', '127.0.0.1:0']);
    const blocked = request(app, '/block?ms=4000');
    // Give the worker the /block request; the connections after it wait in the kernel.
    await new Promise((r) => setTimeout(r, 500));
    const queued = Array.from({ length: 5 }, () => net.connect(app as net.NetConnectOpts));
    await Promise.all(queued.map((s) => new Promise((r) => s.once('connect', r))));
    const body = (await request(metrics, '/metrics')).body;
    const depth = sample(body, `gunicorn_ts_listen_backlog{socket="127.0.0.1:${(app as { port: number }).port}"}`);
    for (const s of queued) s.destroy();
    assert.ok(depth !== undefined && depth > 0, `backlog depth ${depth} in:\n${body}`);
    assert.equal((await blocked).status, 200);
  });

  it('turns /healthz 503 at once on TERM, while the app socket still accepts, until the drain ends', async () => {
    const { server, app, metrics } = await start(['--workers', '1', '--graceful-timeout', '20', '--metrics-bind', '127.0.0.1:0']);
    const slow = request(app, '/slow?ms=3000');
    for (let i = 0; i < 50 && sample((await request(metrics, '/metrics')).body, 'gunicorn_ts_requests_in_flight') !== 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    server.signal('SIGTERM');
    let health = await request(metrics, '/healthz');
    for (let i = 0; i < 20 && health.status === 200; i++) health = await request(metrics, '/healthz');
    assert.equal(health.status, 503);
    assert.match((JSON.parse(health.body) as { reason: string }).reason, /^shutting down/);
    // The app's listening socket is still open in the arbiter: the kernel completes a handshake.
    const probe = net.connect(app as net.NetConnectOpts);
    await new Promise<void>((resolve, reject) => probe.once('connect', resolve).once('error', reject));
    probe.destroy();
    assert.deepEqual(await slow, { status: 200, body: 'slow\n' });
    assert.equal((await server.exited).code, 0);
    await assert.rejects(request(app, '/'), /ECONNREFUSED/);
  });
});
