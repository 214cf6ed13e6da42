// Slow clients against the real binary: a client trickling its headers is cut off with 408
// once the headers timeout (derived from --timeout) passes, and with the async worker 500
// idle half-sent requests do not keep a normal client from being served by the same worker.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { bodyOf, closingGet, exchange, startEchoServer, statusOf, type EchoServer } from '../helpers/raw-http.js';

const HALF_REQUEST = 'GET /slow HTTP/1.1\r\nHost: x\r\n';

/** Opens a connection that sends a request head one header at a time, every `everyMs`. */
function trickle(port: number, everyMs: number): Promise<{ response: string; headersSent: number }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let headersSent = 0;
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(HALF_REQUEST));
    const drip = setInterval(() => {
      if (s.writable) { s.write(`X-Slow-${headersSent}: 1\r\n`); headersSent++; }
    }, everyMs);
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', () => undefined);
    s.on('close', () => { clearInterval(drip); resolve({ response: Buffer.concat(chunks).toString('latin1'), headersSent }); });
  });
}

/** Resolves once `count` connections are open, each having sent half a request. */
async function idleClients(port: number, count: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => { s.write(HALF_REQUEST); resolve(); });
    s.once('error', reject);
    sockets.push(s);
  })));
  return sockets;
}

describe('slow clients', () => {
  const servers: EchoServer[] = [];
  after(async () => { for (const e of servers) await e.server.stop(); });

  test('a client trickling headers is cut off with 408 (--timeout 2), others are served meanwhile', { timeout: 30_000 }, async () => {
    const echo = await startEchoServer(['--timeout', '2']);
    servers.push(echo);
    const slow = Array.from({ length: 5 }, () => trickle(echo.port, 200));
    const normal = await exchange(echo.port, closingGet());
    assert.equal(statusOf(normal), 200);
    for (const { response, headersSent } of await Promise.all(slow)) {
      assert.equal(statusOf(response), 408, JSON.stringify(response.slice(0, 80)));
      assert.match(response, /\r\nConnection: close\r\n/i);
      // Bounded by the headers timeout (3 s: 2 s, raised above the 2 s keep-alive), not by the
      // client: at 5 headers a second, a client allowed to go on would send far more than 60.
      assert.ok(headersSent < 60, `${headersSent} headers sent before the cut`);
    }
    assert.equal((JSON.parse(bodyOf(await exchange(echo.port, closingGet()))) as { pid: number }).pid, echo.workerPid);
  });

  test('async worker: 500 idle half-sent requests do not stop a normal client', { timeout: 60_000 }, async () => {
    const echo = await startEchoServer(['--worker-class', 'async', '--worker-connections', '1000']);
    servers.push(echo);
    const idle = await idleClients(echo.port, 500);
    try {
      const resp = await exchange(echo.port, closingGet('/normal'));
      assert.equal(statusOf(resp), 200);
      assert.equal((JSON.parse(bodyOf(resp)) as { pid: number }).pid, echo.workerPid);
      assert.equal(idle.filter((s) => s.destroyed || s.readableEnded).length, 0, 'the 500 slow connections were still open');
    } finally {
      for (const s of idle) s.destroy();
    }
  });
});
