// TLS settings: clear errors for bad files and values, and real https servers on port 0
// talking to real TLS clients, with cert_reqs 0/1/2 and a CA made by openssl in a temp dir.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { tlsServerOptions, minVersionFor, TlsSettingError } from '../../src/http/tls.js';
import { createHttpEdge, type EdgeSettings, type EdgeServer } from '../../src/http/edge.js';
import { requestScheme } from '../../src/http/forwarded.js';
import { acceptedSocketOf } from '../../src/http/proxy-accept.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';

let pki: TestPki;
const f = (name: string): string => pki.file(name);

before(() => { pki = makeTestPki(); });
after(() => pki.remove());

describe('tlsServerOptions errors name the setting and the path', () => {
  const base = () => ({ certfile: f('server.pem'), keyfile: f('server.key') });
  const fails = (s: Parameters<typeof tlsServerOptions>[0], setting: string, text: RegExp): void => {
    assert.throws(() => tlsServerOptions(s), (e: unknown) => e instanceof TlsSettingError && e.setting === setting && text.test(e.message));
  };
  test('TLS is off without certfile and keyfile', () => assert.equal(tlsServerOptions({ certfile: null, keyfile: null }), null));
  test('missing file, directory, garbage, mismatched key', () => {
    fails({ ...base(), certfile: f('nope.pem') }, 'certfile', /nope\.pem: no such file/);
    fails({ ...base(), keyfile: pki.dir }, 'keyfile', /is a directory/);
    fails({ ...base(), keyfile: f('garbage.pem') }, 'keyfile', /garbage\.pem/);
    fails({ ...base(), certfile: f('garbage.pem') }, 'certfile', /garbage\.pem/);
    fails({ ...base(), keyfile: f('client.key') }, 'keyfile', /does not match/);
    fails({ ...base(), ca_certs: f('none.pem') }, 'ca_certs', /none\.pem: no such file/);
    fails({ certfile: f('server.pem'), keyfile: null }, 'keyfile', /must be set/);
  });
  test('bad cipher list, bad cert_reqs', () => {
    fails({ ...base(), ciphers: 'NOT-A-CIPHER' }, 'ciphers', /NOT-A-CIPHER/);
    fails({ ...base(), cert_reqs: 3 }, 'cert_reqs', /not 0/);
  });
  test('ssl_version maps to a minimum version and refuses old protocols', () => {
    assert.equal(minVersionFor('TLSv1_2'), 'TLSv1.2');
    assert.equal(minVersionFor('TLS'), 'TLSv1.2');
    assert.equal(minVersionFor(2), 'TLSv1.2');
    assert.equal(minVersionFor('PROTOCOL_TLSv1_3'), 'TLSv1.3');
    assert.equal(minVersionFor(null), undefined);
    for (const old of ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1_1', 3, 1]) {
      assert.throws(() => minVersionFor(old), /ssl_version: (SSLv|TLSv1).* is not supported/, String(old));
    }
    assert.throws(() => minVersionFor('TLSv9'), /ssl_version: unknown value "TLSv9"/);
  });
});

const edgeBase: EdgeSettings = {
  limit_request_line: 4094, limit_request_fields: 100, limit_request_field_size: 8190,
  proxy_protocol: false, proxy_allow_ips: '127.0.0.1', forwarded_allow_ips: '127.0.0.1',
  secure_scheme_headers: {}, certfile: null, keyfile: null,
};

async function start(settings: Partial<EdgeSettings>): Promise<{ server: EdgeServer; port: number }> {
  const edge = createHttpEdge({ ...edgeBase, certfile: f('server.pem'), keyfile: f('server.key'), ...settings });
  assert.equal(edge.secure, true);
  const server = edge.createServer((req, res) => {
    const peer = (req.socket as tls.TLSSocket).getPeerCertificate();
    res.end(`${requestScheme(req)} ${req.socket.remoteAddress} ${peer?.subject?.CN ?? '-'}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as net.AddressInfo).port };
}

function stop(server: EdgeServer): void { if ('closeAllConnections' in server) server.closeAllConnections(); server.close(); }

/** One GET over TLS; resolves with the body, rejects on a TLS or socket error. */
function get(port: number, client: 'client' | 'rogue' | null, prefix?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const opts: tls.ConnectionOptions = { ca: fs.readFileSync(f('ca.pem')), servername: 'localhost' };
    if (client) { opts.cert = fs.readFileSync(f(`${client}.pem`)); opts.key = fs.readFileSync(f(`${client}.key`)); }
    const onSecure = (s: tls.TLSSocket): void => { s.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'); };
    let s: tls.TLSSocket;
    if (prefix) {
      const raw = net.connect(port, '127.0.0.1', () => {
        raw.write(prefix);
        s = tls.connect({ ...opts, socket: raw }, () => onSecure(s));
        wire(s);
      });
    } else {
      s = tls.connect({ ...opts, port, host: '127.0.0.1' }, () => onSecure(s));
      wire(s);
    }
    function wire(sock: tls.TLSSocket): void {
      let data = '';
      sock.on('data', (d) => { data += String(d); });
      sock.on('error', reject);
      sock.on('close', () => (data ? resolve(data.slice(data.indexOf('\r\n\r\n') + 4)) : reject(new Error('closed without a response'))));
    }
  });
}

describe('https servers with real TLS clients', () => {
  test('cert_reqs 0: no client certificate asked', async () => {
    const { server, port } = await start({});
    try { assert.equal(await get(port, null), 'https 127.0.0.1 -'); } finally { stop(server); }
  });
  test('cert_reqs 2: a client without a certificate or with a rogue one is refused; a CA-signed one is served', async () => {
    const { server, port } = await start({ cert_reqs: 2, ca_certs: f('ca.pem') });
    try {
      await assert.rejects(get(port, null));
      await assert.rejects(get(port, 'rogue'));
      assert.equal(await get(port, 'client'), 'https 127.0.0.1 client');
    } finally { stop(server); }
  });
  test('cert_reqs 1: the certificate is optional', async () => {
    const { server, port } = await start({ cert_reqs: 1, ca_certs: f('ca.pem') });
    try {
      assert.equal(await get(port, null), 'https 127.0.0.1 -');
      assert.equal(await get(port, 'client'), 'https 127.0.0.1 client');
    } finally { stop(server); }
  });
  test('ssl_version TLSv1_3 refuses a TLS 1.2-only client', async () => {
    const { server, port } = await start({ ssl_version: 'TLSv1_3' });
    try {
      await assert.rejects(new Promise((resolve, reject) => {
        const s = tls.connect({ port, host: '127.0.0.1', ca: fs.readFileSync(f('ca.pem')), servername: 'localhost', maxVersion: 'TLSv1.2' }, () => resolve(s.end()));
        s.on('error', reject);
      }));
      assert.equal(await get(port, null), 'https 127.0.0.1 -');
    } finally { stop(server); }
  });
  test('PROXY protocol in front of TLS: the app sees the header\'s client', async () => {
    const { server, port } = await start({ proxy_protocol: true });
    try {
      assert.equal(await get(port, null, Buffer.from('PROXY TCP4 203.0.113.50 10.0.0.1 4000 443\r\n')), 'https 203.0.113.50 -');
    } finally { stop(server); }
  });
});

describe('acceptedSocketOf', () => {
  test('maps a TLS request socket back to the socket the listener accepted (plain and behind PROXY)', async () => {
    for (const proxy of [false, true]) {
      const edge = createHttpEdge({ ...edgeBase, certfile: f('server.pem'), keyfile: f('server.key'), proxy_protocol: proxy });
      const accepted = new Set<object>();
      const server = edge.createServer((req, res) => res.end(String(accepted.has(acceptedSocketOf(req.socket)))));
      // As the worker's ConnectionGate does: accept on a net server, hand the socket over.
      const gate = net.createServer({ pauseOnConnect: true }, (s) => { accepted.add(s); server.emit('connection', s); s.resume(); });
      await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
      try {
        const port = (gate.address() as net.AddressInfo).port;
        const prefix = proxy ? Buffer.from('PROXY TCP4 203.0.113.50 10.0.0.1 4000 443\r\n') : undefined;
        assert.equal(await get(port, null, prefix), 'true', proxy ? 'behind PROXY' : 'plain TLS');
      } finally {
        gate.close();
        stop(server);
      }
    }
  });
});
