// PROXY protocol and trusted forwarding through the real binary. 127.0.0.1 is the allowed
// or trusted peer, 127.0.0.2 (a second loopback address, via localAddress) the other one.
// The echo app reports what it sees through the public clientAddress()/requestScheme().
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import {
  bodyOf, closingGet, exchange, proxyV2, proxyV2Tcp4, startEchoServer, statusOf, type EchoServer,
} from '../helpers/raw-http.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';

interface Echoed { pid: number; client: string | null; scheme: string; remoteAddress: string | null; headers: Record<string, string> }

const echoed = (resp: string): Echoed => {
  assert.equal(statusOf(resp), 200, JSON.stringify(resp.slice(0, 120)));
  return JSON.parse(bodyOf(resp)) as Echoed;
};
const GET = closingGet('/who');
const V1 = `PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\n`;

describe('PROXY protocol: --proxy-protocol --proxy-allow-from 127.0.0.1', () => {
  let echo: EchoServer;
  let pki: TestPki;
  const servers: EchoServer[] = [];
  before(async () => {
    echo = await startEchoServer(['--proxy-protocol', '--proxy-allow-from', '127.0.0.1', '--access-logfile', '-']);
    servers.push(echo);
    pki = makeTestPki();
  });
  after(async () => {
    for (const e of servers) await e.server.stop();
    pki?.remove();
  });

  test('v1 from the allowed peer: the app sees the header\'s client address', async () => {
    const r = echoed(await exchange(echo.port, V1 + GET));
    assert.equal(r.client, '203.0.113.7');
    assert.equal(r.remoteAddress, '203.0.113.7');
    assert.equal(r.pid, echo.workerPid);
    // The access log's %(h)s is that client too.
    await echo.server.waitFor('the access log line', () => /^203\.0\.113\.7 - - \[.*"GET \/who HTTP\/1\.1" 200 /m.test(echo.server.stdout));
  });

  test('v2 (TCP4, and LOCAL) from the allowed peer', async () => {
    const v2 = proxyV2Tcp4([198, 51, 100, 9], [10, 0, 0, 1], 40000, 80);
    assert.equal(echoed(await exchange(echo.port, Buffer.concat([v2, Buffer.from(GET)]))).client, '198.51.100.9');
    // LOCAL (a proxy's own health check) keeps the real peer.
    assert.equal(echoed(await exchange(echo.port, Buffer.concat([proxyV2(0, 0, Buffer.alloc(0)), Buffer.from(GET)]))).client, '127.0.0.1');
  });

  test('v1 and v2 from a peer not allowed (127.0.0.2): closed without a response', async () => {
    assert.equal(await exchange(echo.port, V1 + GET, { localAddress: '127.0.0.2' }), '');
    const v2 = proxyV2Tcp4([198, 51, 100, 9], [10, 0, 0, 1], 40000, 80);
    assert.equal(await exchange(echo.port, Buffer.concat([v2, Buffer.from(GET)]), { localAddress: '127.0.0.2' }), '');
  });

  test('auto (--proxy-protocol alone): no header is served directly, a broken one closes; the worker is unharmed', async () => {
    assert.equal(echoed(await exchange(echo.port, GET)).client, '127.0.0.1');
    assert.equal(await exchange(echo.port, `PROXY TCP4 999.1.1.1 10.0.0.1 1 80\r\n${GET}`), '');
    assert.equal(echoed(await exchange(echo.port, V1 + GET)).pid, echo.workerPid);
    assert.equal(echo.server.logCount(/worker exited|Worker exiting/i), 0);
  });

  test('PROXY v1 in front of TLS (--certfile): the app sees https and the header\'s client', async () => {
    const tlsEcho = await startEchoServer(['--proxy-protocol', '--proxy-allow-from', '127.0.0.1',
      '--certfile', pki.file('server.pem'), '--keyfile', pki.file('server.key')]);
    servers.push(tlsEcho);
    const resp = await new Promise<string>((resolve, reject) => {
      const raw = net.connect({ port: tlsEcho.port, host: '127.0.0.1' }, () => {
        raw.write(V1);
        const s = tls.connect({ socket: raw, ca: fs.readFileSync(pki.file('ca.pem')), servername: 'localhost' }, () => s.write(GET));
        let data = '';
        s.on('data', (d: Buffer) => { data += d.toString('latin1'); });
        s.on('error', reject);
        s.on('close', () => resolve(data));
      });
      raw.on('error', reject);
    });
    const r = echoed(resp);
    assert.equal(r.scheme, 'https');
    assert.equal(r.client, '203.0.113.7');
  });
});

describe('forwarded headers: --forwarded-allow-ips 127.0.0.1', () => {
  let echo: EchoServer;
  before(async () => { echo = await startEchoServer(['--forwarded-allow-ips', '127.0.0.1']); });
  after(() => echo?.server.stop());
  const forged = ['X-Forwarded-Proto: https', 'X-Forwarded-For: 198.51.100.1, 203.0.113.4', 'X-Forwarded-Ssl: on',
    'Forwarded: for=1.2.3.4', 'X-Real-IP: 9.9.9.9', 'X-Other: kept'];

  test('trusted peer: https from X-Forwarded-Proto, client from X-Forwarded-For, headers kept', async () => {
    const r = echoed(await exchange(echo.port, closingGet('/fwd', forged)));
    assert.equal(r.scheme, 'https');
    assert.equal(r.client, '203.0.113.4');
    assert.equal(r.remoteAddress, '127.0.0.1');
    assert.equal(r.headers['x-forwarded-proto'], 'https');
  });

  test('trusted peer: a value that does not match exactly leaves http', async () => {
    assert.equal(echoed(await exchange(echo.port, closingGet('/fwd', ['X-Forwarded-Proto: HTTPS']))).scheme, 'http');
  });

  test('untrusted peer (127.0.0.2): http, its own address, and the forgeable headers removed', async () => {
    const r = echoed(await exchange(echo.port, closingGet('/fwd', forged), { localAddress: '127.0.0.2' }));
    assert.equal(r.scheme, 'http');
    assert.equal(r.client, '127.0.0.2');
    for (const name of ['x-forwarded-proto', 'x-forwarded-for', 'x-forwarded-ssl', 'forwarded', 'x-real-ip']) {
      assert.equal(r.headers[name], undefined, name);
    }
    assert.equal(r.headers['x-other'], 'kept');
  });
});
