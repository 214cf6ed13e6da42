// The lazy drain under keep-alive load: two workers share one socket, 8 client loops on a
// keep-alive Agent send a bounded number of requests, and one worker is retired mid-run.
// No request may fail, and the retired worker must exit 0 on its own.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { ListeningSocket } from '../../src/arbiter/sockets/index.js';
import { bindLocal, spawnWorker, type WorkerProc } from './worker-harness.js';

const procs: WorkerProc[] = [];
const sockets: ListeningSocket[] = [];
after(() => {
  for (const p of procs) p.kill();
  for (const s of sockets) s.close();
});

function get(agent: Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
    }).on('error', reject).end();
  });
}

describe('worker drain', () => {
  it('retires a worker under keep-alive load with zero client errors', async () => {
    const { socket, url } = await bindLocal();
    sockets.push(socket);
    const settings = { app: 'worker-app.ts', keepalive: 5, timeout: 30 };
    // The kernel decides which worker accepts a connection, so with both workers up from the
    // start all 8 keep-alive connections can land on one of them. Open the connections while
    // only `a` runs, then start `b`: `a` certainly serves until it retires, and the clients
    // must reconnect to `b` afterwards, which is the path under test.
    const a = spawnWorker(socket, { settings });
    procs.push(a);
    await a.waitFor('booted');
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    await Promise.all(Array.from({ length: 8 }, () => get(agent, `${url}/warm`)));
    const b = spawnWorker(socket, { settings });
    procs.push(b);
    await b.waitFor('booted');

    const errors: string[] = [];
    const servedBy = new Map<string, number>();
    let done = 0;
    let retired = false;
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 150; i++) {
        try {
          const pid = /pid=(\d+)/.exec(await get(agent, `${url}/x`))?.[1] ?? '?';
          servedBy.set(pid, (servedBy.get(pid) ?? 0) + 1);
        } catch (err) {
          errors.push((err as Error).message);
        }
        if (++done === 300 && !retired) {
          retired = true;
          a.child.send({ type: 'retire' });
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, loop));
    agent.destroy();

    assert.deepEqual(errors, []);
    assert.equal(done, 1200);
    assert.deepEqual(await a.exited, { code: 0, signal: null });
    assert.ok((servedBy.get(String(a.child.pid)) ?? 0) >= 300, 'the retired worker served until it retired');
    assert.ok((servedBy.get(String(b.child.pid)) ?? 0) > 0, 'the clients moved to the other worker');
    assert.equal(b.child.exitCode, null, 'the other worker is still running');
  });

  it('closes a keep-alive connection left idle only after the keep-alive timeout, then exits 0', async () => {
    const { socket } = await bindLocal();
    sockets.push(socket);
    const w = spawnWorker(socket, { settings: { app: 'worker-app.ts', keepalive: 1 } });
    procs.push(w);
    await w.waitFor('booted');
    const port = socket.address.kind === 'tcp' ? socket.address.port : 0;
    const client = connect(port, '127.0.0.1');
    let received = '';
    client.on('data', (d: Buffer) => { received += d.toString(); });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.write('GET /idle HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => { const t = setInterval(() => { if (received.includes('path=/idle')) { clearInterval(t); resolve(); } }, 10); });
    assert.match(received, /Keep-Alive: timeout=1/);
    w.child.send({ type: 'retire' });
    await closed;
    assert.deepEqual(await w.exited, { code: 0, signal: null });
  });
});
