// config-examples/nginx/gunicorn-ts.conf in front of config-examples/gunicorn.d/hello.conf.ts:
// a real nginx (Debian's nginx-light) proxies to gunicorn-ts over a unix socket.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGunicorn } from '../helpers/server.js';
import type { ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitUntil } from '../helpers/debian.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = makeTempDir('gts-nginx-');
const socket = join(tmp.path, 'hello.sock');
let gunicorn: ServerProcess | undefined;
let nginx: ChildProcess | undefined;
let nginxErr = '';
let port = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/** The example site with its Debian paths swapped for the test's; fails if the example changed shape. */
function siteConfig(): string {
  let site = readFileSync(join(repo, 'config-examples/nginx/gunicorn-ts.conf'), 'utf8');
  const swaps: Array<[string, string]> = [
    ['listen 80;', `listen 127.0.0.1:${port};`],
    ['listen [::]:80;', ''],
    ['unix:/run/gunicorn-ts/hello.sock', `unix:${socket}`],
  ];
  for (const [from, to] of swaps) {
    assert.ok(site.includes(from), `the nginx example no longer contains "${from}"`);
    site = site.replace(from, to);
  }
  return site;
}

function mainConfig(): string {
  const t = tmp.path;
  // Temp paths point into the prefix so nothing outside it is written; workers run as
  // www-data, as on Debian, and must reach the socket like the real nginx would.
  return `daemon off;
master_process on;
worker_processes 1;
user www-data;
pid ${t}/nginx.pid;
error_log ${t}/nginx-error.log info;
events { worker_connections 64; }
http {
  access_log ${t}/nginx-access.log;
  client_body_temp_path ${t}/body;
  proxy_temp_path ${t}/proxy;
  fastcgi_temp_path ${t}/fastcgi;
  uwsgi_temp_path ${t}/uwsgi;
  scgi_temp_path ${t}/scgi;
  include ${t}/site.conf;
}
`;
}

function get(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  const which = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  assert.equal(which.error, undefined, 'nginx is missing: apt-get install -y nginx-light');
  chmodSync(tmp.path, 0o755);
  gunicorn = startGunicorn(
    ['-c', 'config-examples/gunicorn.d/hello.conf.ts', '--bind', `unix:${socket}`, '--user', 'root', '--group', 'root', '--access-logfile', join(tmp.path, 'access.log')],
    { cwd: repo },
  );
  await gunicorn.listening(1);
  port = await freePort();
  tmp.write('site.conf', siteConfig());
  tmp.write('nginx.conf', mainConfig());
  nginx = spawn('nginx', ['-p', tmp.path, '-c', join(tmp.path, 'nginx.conf'), '-e', join(tmp.path, 'nginx-error.log')], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  nginx.stderr?.setEncoding('utf8').on('data', (c: string) => (nginxErr += c));
  await waitUntil(`nginx on port ${port}`, () => get('/', {}).then((r) => r.status > 0, () => false)).catch((err: Error) => {
    throw new Error(`${err.message}\nnginx stderr: ${nginxErr}\n${readFileSync(join(tmp.path, 'nginx-error.log'), 'utf8')}`);
  });
});

after(async () => {
  if (nginx?.pid !== undefined) {
    try {
      process.kill(-nginx.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await gunicorn?.stop();
  tmp.remove();
});

describe('nginx in front of gunicorn-ts on a unix socket', () => {
  it('proxies requests to the app with Host and the proxy headers nginx sets', async () => {
    const res = await get('/shop/cart?x=1', { Host: 'example.test', 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Proto': 'https' });
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(body['path'], '/shop/cart?x=1');
    assert.equal(body['host'], 'example.test');
    // nginx replaced the client's forged values with what it saw itself.
    assert.equal(body['forwardedFor'], '127.0.0.1');
    assert.equal(body['forwardedProto'], 'http');
    assert.equal(body['greeting'], 'hello from gunicorn-ts', 'raw_env of the instance file reached the worker');
  });

  it('serves a series of requests through pooled upstream connections, all 200', async () => {
    const workers = new Set<unknown>();
    for (let i = 0; i < 30; i++) {
      const res = await get(`/n/${i}`, {});
      assert.equal(res.status, 200, res.body);
      workers.add((JSON.parse(res.body) as Record<string, unknown>)['worker']);
    }
    assert.ok(gunicorn !== undefined && [...workers].every((w) => typeof w === 'number' && w !== gunicorn!.pid));
    // nginx writes its access line after the response has gone out, so it may lag a moment.
    const log = join(tmp.path, 'nginx-access.log');
    await waitUntil('nginx to log GET /n/29', () => /"GET \/n\/29 HTTP\/1\.1" 200/.test(readFileSync(log, 'utf8')));
  });
});
