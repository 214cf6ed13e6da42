// Programmatic use: a program subclasses BaseApplication and calls run(); its workers import
// the program again and serve the app it supplies. Run as plain ESM (.mjs) and as TypeScript
// through `node --import jiti/register` (the workers inherit the flag).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { FIXTURES, ServerProcess } from '../helpers/server.js';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
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

function startProgram(nodeArgs: readonly string[]): ServerProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
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
});
