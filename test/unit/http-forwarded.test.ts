// Trusted proxies and allow lists: a real http server, a trusted peer (127.0.0.1) and an
// untrusted one (127.0.0.2) sending the same forwarded headers.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { parseAllowList, isAllowed, AllowListError } from '../../src/http/ip-allow-list.js';
import { clientFromForwardedFor } from '../../src/http/forwarded.js';
import { createHttpEdge } from '../../src/http/edge.js';
import { requestScheme, clientAddress } from '../../src/http/forwarded.js';

describe('allow lists', () => {
  test('addresses, CIDR ranges, IPv6, mapped IPv4 and "*"', () => {
    const l = parseAllowList(' 127.0.0.1, 10.0.0.0/8 ,::1, 2001:db8::/32');
    assert.deepEqual(l.entries, ['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32']);
    for (const a of ['127.0.0.1', '::ffff:127.0.0.1', '10.200.3.4', '::ffff:10.0.0.1', '::1', '[::1]', '2001:db8:1::7', 'fe80::1%eth0'.replace('fe80::1', '::1')]) {
      assert.equal(isAllowed(l, a), true, a);
    }
    for (const a of ['127.0.0.2', '11.0.0.1', '::2', '2001:db9::1', '', undefined, 'garbage']) assert.equal(isAllowed(l, a), false, String(a));
    assert.equal(isAllowed(parseAllowList('::ffff:127.0.0.1'), '127.0.0.1'), true);
    assert.equal(isAllowed(parseAllowList('*'), '203.0.113.1'), true);
    assert.equal(isAllowed(parseAllowList(''), '127.0.0.1'), false);
    assert.equal(isAllowed(parseAllowList(['127.0.0.1', '127.0.0.2,127.0.0.3']), '127.0.0.3'), true);
  });
  test('bad entries name the setting', () => {
    assert.throws(() => parseAllowList('127.0.0.1,localhost', 'proxy_allow_ips'), (e: unknown) => e instanceof AllowListError && /^proxy_allow_ips: "localhost"/.test(e.message));
    assert.throws(() => parseAllowList('10.0.0.0/33'), /forwarded_allow_ips: "10.0.0.0\/33" is not a valid CIDR range/);
    assert.throws(() => parseAllowList('10.0.0.0/x'), AllowListError);
  });
  test('X-Forwarded-For: the rightmost hop not in the allow list', () => {
    const l = parseAllowList('127.0.0.1,10.0.0.0/8');
    assert.equal(clientFromForwardedFor('1.1.1.1, 203.0.113.9, 10.0.0.5', l), '203.0.113.9');
    assert.equal(clientFromForwardedFor('203.0.113.9', l), '203.0.113.9');
    assert.equal(clientFromForwardedFor('10.0.0.1, 10.0.0.2', l), '10.0.0.1');
  });
});

describe('forwarded headers on a real server', () => {
  let server: http.Server;
  let port = 0;
  before(async () => {
    server = createHttpEdge({
      limit_request_line: 4094, limit_request_fields: 100, limit_request_field_size: 8190,
      proxy_protocol: false, proxy_allow_ips: '', forwarded_allow_ips: '127.0.0.1',
      secure_scheme_headers: { 'X-FORWARDED-PROTO': 'https', 'X-FORWARDED-SSL': 'on' }, certfile: null, keyfile: null,
    }).createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ scheme: requestScheme(req), client: clientAddress(req), headers: req.headers, raw: req.rawHeaders }));
    }) as http.Server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  function send(localAddress: string, headers: Record<string, string>): Promise<{ scheme: string; client: string; headers: Record<string, string>; raw: string[] }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, localAddress, headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => { body += String(d); });
        res.on('end', () => resolve(JSON.parse(body)));
      });
      req.on('error', reject);
    });
  }
  const forged = { 'X-Forwarded-Proto': 'https', 'x-forwarded-ssl': 'on', 'X-Forwarded-For': '198.51.100.1, 203.0.113.4', Forwarded: 'for=1.2.3.4', 'X-Forwarded-Host': 'evil', 'X-Real-IP': '9.9.9.9', 'X-Other': 'kept' };

  test('trusted peer: https from a matching header, client from X-Forwarded-For, headers kept', async () => {
    const r = await send('127.0.0.1', forged);
    assert.equal(r.scheme, 'https');
    assert.equal(r.client, '203.0.113.4');
    assert.equal(r.headers['x-forwarded-proto'], 'https');
  });
  test('trusted peer: values compare case-sensitively, no header means http', async () => {
    assert.equal((await send('127.0.0.1', { 'X-Forwarded-Proto': 'HTTPS' })).scheme, 'http');
    const plain = await send('127.0.0.1', {});
    assert.equal(plain.scheme, 'http');
    assert.equal(plain.client, '127.0.0.1');
  });
  test('untrusted peer 127.0.0.2: scheme http, client is the peer, forgeable headers removed', async () => {
    const r = await send('127.0.0.2', forged);
    assert.equal(r.scheme, 'http');
    assert.equal(r.client, '127.0.0.2');
    for (const h of ['x-forwarded-proto', 'x-forwarded-ssl', 'x-forwarded-for', 'forwarded', 'x-forwarded-host', 'x-real-ip']) {
      assert.equal(r.headers[h], undefined, h);
      assert.equal(r.raw.some((n) => n.toLowerCase() === h), false, `raw ${h}`);
    }
    assert.equal(r.headers['x-other'], 'kept');
    assert.ok(r.raw.includes('X-Other'));
  });
});
