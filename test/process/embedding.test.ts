// Programmatic use: a program subclasses BaseApplication and calls run(); its workers import
// the program again and serve the app it supplies. Run as plain ESM (.mjs) and as TypeScript
// through `node --import jiti/register` (the workers inherit the flag).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { FIXTURES, ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { hookLines, waitUntil, workersOf } from './arbiter-support.js';

const servers: ServerProcess[] = [];
const tmp = makeTempDir('gts-embed-');
after(async () => {
  for (const s of servers) await s.stop();
  tmp.remove();
});

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    }).on('error', reject).end();
  });
}

function startProgram(nodeArgs: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): ServerProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env['NODE_EXTRA_CA_CERTS'];
  delete env['GUNICORN_CMD_ARGS'];
  const child = spawn(process.execPath, nodeArgs, { cwd: join(FIXTURES, 'workers'), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const server = new ServerProcess(child);
  servers.push(server);
  return server;
}

async function servesFromWorkers(server: ServerProcess, greeting: RegExp): Promise<void> {
  const [url] = await server.listening();
  const pids = await server.waitFor('2 booted workers', () => server.bootedPids().length >= 2 && server.bootedPids());
  const res = await get(`${url!}/x`);
  assert.equal(res.status, 200);
  const match = greeting.exec(res.body);
  assert.ok(match, res.body);
  const pid = Number(match[1]);
  assert.ok(pids.includes(pid), `served by a worker (${pid} in ${pids.join(',')})`);
  assert.notEqual(pid, server.pid, 'not by the program itself');
  server.signal('SIGTERM');
  assert.deepEqual(await server.exited, { code: 0, signal: null });
}

describe('embedding (BaseApplication)', () => {
  it('a .mjs program serves its app through 2 workers and stops on TERM with exit 0', async () => {
    const server = startProgram(['embedded-app.mjs']);
    try {
      await servesFromWorkers(server, /^hello from (\d+) \/x$/);
      assert.ok(server.lines.some((l) => l.msg === 'Using worker: async'));
    } finally {
      await server.stop();
    }
  });

  it('a TypeScript program run with --import jiti/register serves a Hono app', async () => {
    const server = startProgram(['--import', 'jiti/register', 'embedded-app.ts']);
    try {
      await servesFromWorkers(server, /^typed hello from (\d+) \/x$/);
    } finally {
      await server.stop();
    }
  });

  it('hooks given in loadConfig() run in the workers: post_worker_init, pre_request, post_request, worker_abort, worker_int', async () => {
    const log = join(tmp.path, 'hooks.log');
    const server = startProgram(['embedded-hooks.mjs'], { GTS_HOOK_LOG: log });
    try {
      const [url] = await server.listening();
      const [first] = await workersOf(server.pid, 1);
      assert.equal((await get(`${url!}/hooked`)).status, 200);
      // post_request runs once the response is finished, which the client may see first.
      await waitUntil('post_request', () => hookLines(log).some((l) => l.hook === 'post_request'));
      const served = hookLines(log).filter((l) => l.pid === first);
      assert.deepEqual(served.map((l) => l.hook), ['post_worker_init', 'pre_request', 'post_request']);
      assert.deepEqual(served[1], { hook: 'pre_request', pid: first, url: '/hooked' });
      assert.deepEqual(served[2], { hook: 'post_request', pid: first, url: '/hooked', status: 200 });
      process.kill(first!, 'SIGABRT');
      await waitUntil('worker_abort in the worker', () => hookLines(log).some((l) => l.hook === 'worker_abort' && l.pid === first));
      const { pid: second } = await waitUntil('post_worker_init in the replacement', () => hookLines(log).find((l) => l.hook === 'post_worker_init' && l.pid !== first));
      await waitUntil('the replacement to boot', () => server.bootedPids().includes(second));
      server.signal('SIGINT');
      await server.exited;
      assert.ok(hookLines(log).some((l) => l.hook === 'worker_int' && l.pid === second), 'worker_int ran in the worker on INT');
      assert.equal(hookLines(log).some((l) => l.pid === server.pid), false, 'no worker hook ran in the program itself');
    } finally {
      await server.stop();
    }
  });
});
