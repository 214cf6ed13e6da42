// PROXY protocol: the pure parser (v1, v2, partial input, invalid input) and the socket
// layer end to end: a real http/https server, raw clients from an allowed peer (127.0.0.1)
// and a disallowed one (127.0.0.2).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { parseProxyHeader, V2_SIGNATURE } from '../../src/http/proxy-protocol.js';
import { createHttpEdge, type EdgeSettings } from '../../src/http/edge.js';
import { clientAddress } from '../../src/http/forwarded.js';
import { proxyHeaderOf } from '../../src/http/proxy-accept.js';
import { exchange as rawExchange, proxyV2 as v2, proxyV2Tcp4 as v2Tcp4, proxyV2Tcp6 as v2Tcp6 } from '../helpers/raw-http.js';

const exchange = (port: number, bytes: Buffer | string, localAddress = '127.0.0.1'): Promise<string> => rawExchange(port, bytes, { localAddress });

describe('parseProxyHeader', () => {
  test('v1 TCP4 and TCP6', () => {
    const r = parseProxyHeader(Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\nGET'));
    assert.equal(r.kind, 'parsed');
    if (r.kind !== 'parsed') return;
    assert.deepEqual({ ...r.header }, { version: 1, command: 'proxy', family: 'TCP4', source: '203.0.113.7', sourcePort: 51000, dest: '10.0.0.1', destPort: 80, headerLength: 42 });
    const r6 = parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::1 ::1 1 65535\r\n'));
    assert.equal(r6.kind === 'parsed' && r6.header.source, '2001:db8::1');
  });
  test('v1 UNKNOWN carries no address', () => {
    const r = parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'));
    assert.equal(r.kind === 'parsed' && r.header.family, 'UNKNOWN');
    assert.equal(r.kind === 'parsed' && r.header.source, null);
  });
  test('partial headers need more bytes', () => {
    for (const part of ['P', 'PROXY', 'PROXY TCP4 1.2.3.4', 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r']) {
      assert.equal(parseProxyHeader(Buffer.from(part)).kind, 'needMore', part);
    }
    const full = v2Tcp4([1, 2, 3, 4], [5, 6, 7, 8], 1, 2);
    for (let n = 1; n < full.length; n++) assert.equal(parseProxyHeader(full.subarray(0, n)).kind, 'needMore', `v2 ${n}`);
  });
  test('invalid v1 headers', () => {
    const bad = [
      'PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n', 'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n',
      'PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n', 'PROXY TCP4 ::1 ::1 1 2\r\n', 'PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n',
      'PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n', `PROXY TCP4 ${'1'.repeat(120)}`,
    ];
    for (const b of bad) assert.equal(parseProxyHeader(Buffer.from(b)).kind, 'invalid', b);
    assert.equal(parseProxyHeader(Buffer.from('GET / HTTP/1.1\r\n')).kind, 'absent');
  });
  test('v2 TCP4 with TLVs, TCP6, LOCAL and UNSPEC', () => {
    const tlv = Buffer.from([0x04, 0x00, 0x02, 0xaa, 0xbb]);
    const r = parseProxyHeader(Buffer.concat([v2Tcp4([198, 51, 100, 9], [10, 0, 0, 2], 40000, 443, tlv), Buffer.from('GET')]));
    assert.equal(r.kind, 'parsed');
    if (r.kind !== 'parsed') return;
    assert.equal(r.header.source, '198.51.100.9');
    assert.equal(r.header.sourcePort, 40000);
    assert.equal(r.header.destPort, 443);
    assert.equal(r.header.headerLength, 16 + 12 + tlv.length);
    const src6 = Buffer.alloc(16); src6[0] = 0x20; src6[1] = 0x01; src6[2] = 0x0d; src6[3] = 0xb8; src6[15] = 5;
    const r6 = parseProxyHeader(v2Tcp6(src6, Buffer.alloc(16), 7, 8));
    assert.equal(r6.kind === 'parsed' && r6.header.source, '2001:db8::5');
    const local = parseProxyHeader(v2(0, 0x00, Buffer.alloc(0)));
    assert.equal(local.kind === 'parsed' && local.header.command, 'local');
    const unspec = parseProxyHeader(v2(1, 0x00, Buffer.alloc(0)));
    assert.equal(unspec.kind === 'parsed' && unspec.header.family, 'UNKNOWN');
  });
  test('invalid v2 headers', () => {
    const wrongVersion = Buffer.concat([V2_SIGNATURE, Buffer.from([0x11, 0x11, 0, 0])]);
    assert.equal(parseProxyHeader(wrongVersion).kind, 'invalid');
    assert.equal(parseProxyHeader(v2(1, 0x11, Buffer.alloc(4))).kind, 'invalid');
    assert.equal(parseProxyHeader(v2(1, 0x55, Buffer.alloc(0))).kind, 'invalid');
    assert.equal(parseProxyHeader(v2(5, 0x11, Buffer.alloc(12))).kind, 'invalid');
  });
});

const base: EdgeSettings = {
  limit_request_line: 4094, limit_request_fields: 100, limit_request_field_size: 8190,
  proxy_protocol: 'auto', proxy_allow_ips: '127.0.0.1', forwarded_allow_ips: '127.0.0.1',
  secure_scheme_headers: { 'X-FORWARDED-PROTO': 'https' }, certfile: null, keyfile: null,
};

const GET = 'GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

describe('PROXY protocol on a real http server', () => {
  let server: http.Server;
  let port = 0;
  before(async () => {
    server = createHttpEdge(base).createServer((req, res) => {
      const h = proxyHeaderOf(req.socket);
      res.end(JSON.stringify({ socket: req.socket.remoteAddress, port: req.socket.remotePort, client: clientAddress(req), version: h?.version ?? null, url: req.url }));
    }) as http.Server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const body = (resp: string): Record<string, unknown> => JSON.parse(resp.slice(resp.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

  test('v1 from an allowed peer: the app sees the header\'s client', async () => {
    const resp = await exchange(port, `PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\n${GET}`);
    assert.match(resp, /^HTTP\/1.1 200/);
    assert.deepEqual(body(resp), { socket: '203.0.113.7', port: 51000, client: '203.0.113.7', version: 1, url: '/who' });
  });
  test('v2 TCP4 with a TLV from an allowed peer, header and request in one write', async () => {
    const hdr = v2Tcp4([198, 51, 100, 9], [10, 0, 0, 2], 40000, 80, Buffer.from([0x01, 0x00, 0x02, 0x68, 0x32]));
    const resp = await exchange(port, Buffer.concat([hdr, Buffer.from(GET)]));
    assert.deepEqual(body(resp), { socket: '198.51.100.9', port: 40000, client: '198.51.100.9', version: 2, url: '/who' });
  });
  test('v2 TCP6 and v2 LOCAL', async () => {
    const src = Buffer.alloc(16); src[0] = 0x20; src[1] = 0x01; src[2] = 0x0d; src[3] = 0xb8; src[15] = 9;
    const r6 = await exchange(port, Buffer.concat([v2Tcp6(src, Buffer.alloc(16), 5, 80), Buffer.from(GET)]));
    assert.equal(body(r6).socket, '2001:db8::9');
    const local = await exchange(port, Buffer.concat([v2(0, 0, Buffer.alloc(0)), Buffer.from(GET)]));
    assert.equal(body(local).socket, '127.0.0.1', 'LOCAL keeps the real peer');
  });
  test('header split over several writes, pipelined requests after it', async () => {
    const resp = await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.write('PROXY TCP4 192.0.2.1 ');
        setTimeout(() => s.write(`10.0.0.1 1000 80\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n${GET}`), 50);
      });
      s.on('data', (d) => chunks.push(d));
      s.on('error', reject);
      s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
    assert.equal(resp.match(/HTTP\/1.1 200/g)?.length, 2);
    assert.match(resp, /"url":"\/a"/);
    assert.match(resp, /"socket":"192.0.2.1".*"url":"\/who"/s);
  });
  test('a disallowed peer (127.0.0.2) is closed without a response, even with a valid header', async () => {
    assert.equal(await exchange(port, `PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\n${GET}`, '127.0.0.2'), '');
  });
  test('auto: a connection without a header is served directly; an invalid header closes it without a response', async () => {
    assert.equal(body(await exchange(port, GET)).version, null);
    assert.equal(await exchange(port, `PROXY TCP4 999.1.1.1 10.0.0.1 1 80\r\n${GET}`), '');
    assert.equal(await exchange(port, Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x99, 0, 0]), Buffer.from(GET)])), '');
  });
  test('the server still serves after rejected connections', async () => {
    const resp = await exchange(port, `PROXY TCP4 203.0.113.8 10.0.0.1 5 80\r\n${GET}`);
    assert.equal(body(resp).client, '203.0.113.8');
  });
});

describe('proxy_protocol v1 and v2 require their own version', () => {
  const V1 = `PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\n${GET}`;
  const V2 = Buffer.concat([v2Tcp4([203, 0, 113, 9], [10, 0, 0, 1], 5, 80), Buffer.from(GET)]);
  for (const mode of ['v1', 'v2'] as const) {
    test(`${mode}: its version is served; the other version and a missing header close the connection`, async () => {
      const server = createHttpEdge({ ...base, proxy_protocol: mode }).createServer((req, res) => res.end(String(proxyHeaderOf(req.socket)?.version))) as http.Server;
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const p = (server.address() as net.AddressInfo).port;
      try {
        const [own, other] = mode === 'v1' ? [V1, V2] : [V2, V1];
        assert.match(await exchange(p, own), new RegExp(`\r\n\r\n${mode.slice(1)}$`));
        assert.equal(await exchange(p, other), '');
        assert.equal(await exchange(p, GET), '');
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  }
});
