// --reuse-port and the ssl_context hook through the real binary. Two masters bind one port
// with SO_REUSEPORT and both serve it (on Node >= 22.12; on older Node the second master
// stops with a message saying why). ssl_context adds an SNICallback: curl, resolving two
// names to 127.0.0.1, gets a different certificate for each name, each verified by the CA.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { reusePortSupported } from '../../src/node-features.js';
import { FIXTURES, runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTestPki, type TestPki } from '../helpers/test-pki.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const servers: ServerProcess[] = [];
const tmp = makeTempDir('gts-parity-sockets-');
let pki: TestPki;
before(() => {
  pki = makeTestPki();
  // A second certificate, for shop.example only, from the same CA.
  const f = pki.file;
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('shop.key'), '-out', f('shop.csr'), '-subj', '/CN=shop.example');
  tmp.write('shop.ext', 'subjectAltName=DNS:shop.example\n');
  ssl('x509', '-req', '-in', f('shop.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('shop.pem'), '-days', '1', '-extfile', `${tmp.path}/shop.ext`);
});
after(async () => {
  for (const s of servers) await s.stop();
  pki.remove();
  tmp.remove();
});

function start(args: readonly string[]): ServerProcess {
  const server = startGunicorn(args, { cwd: FIXTURES });
  servers.push(server);
  return server;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('--reuse-port', () => {
  it(reusePortSupported ? 'two masters serve one port' : 'on this Node a second master stops with a message naming the Node version', async () => {
    const first = start(['-b', '127.0.0.1:0', '--reuse-port', '-w', '1', 'cli/hello.ts:app']);
    const [url] = await first.listening();
    const port = new URL(url!).port;
    if (!reusePortSupported) {
      assert.match(first.stderr, /warning: reuse_port needs Node\.js 22\.12 \(or 23\.1\) or newer/);
      const second = await runGunicorn(['-b', `127.0.0.1:${port}`, '--reuse-port', 'cli/hello.ts:app'], { cwd: FIXTURES });
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`Connection in use: 127\\.0\\.0\\.1:${port} .*reuse_port needs Node\\.js 22\\.12 \\(or 23\\.1\\) or newer to set SO_REUSEPORT; this is Node\\.js ${process.version}`));
      return;
    }
    const second = start(['-b', `127.0.0.1:${port}`, '--reuse-port', '-w', '1', 'cli/hello.ts:app']);
    await second.listening();
    const [a, b] = await Promise.all([first, second].map((s) => s.waitFor('a booted worker', () => s.bootedPids()[0])));
    const seen = new Set<number>();
    // The kernel hashes each new connection to one of the two sockets; both must serve.
    for (let i = 0; i < 400 && seen.size < 2; i++) seen.add(Number(/^hello from (\d+)/.exec(await get(`${url}/`))![1]));
    assert.deepEqual([...seen].sort(), [a!, b!].sort());
  });

  it('without --reuse-port a second master on the port is refused', async () => {
    const first = start(['-b', '127.0.0.1:0', '-w', '1', 'cli/hello.ts:app']);
    const [url] = await first.listening();
    const r = await runGunicorn(['-b', `127.0.0.1:${new URL(url!).port}`, '--reuse-port', 'cli/hello.ts:app'], { cwd: FIXTURES });
    assert.equal(r.code, 1);
    assert.match(r.stderr, reusePortSupported ? /every process on the port must set SO_REUSEPORT/ : /reuse_port needs Node\.js 22\.12/);
  });
});

describe('ssl_context', () => {
  const config = (): string => tmp.write('sni.conf.ts', `import fs from 'node:fs';
import tls from 'node:tls';
const shop = tls.createSecureContext({ cert: fs.readFileSync(${JSON.stringify(pki.file('shop.pem'))}), key: fs.readFileSync(${JSON.stringify(pki.file('shop.key'))}) });
export default {
  certfile: ${JSON.stringify(pki.file('server.pem'))},
  keyfile: ${JSON.stringify(pki.file('server.key'))},
  ssl_context(config: Record<string, unknown>, defaults: () => tls.TlsOptions): tls.TlsOptions {
    const options = defaults();
    options.SNICallback = (name, done) => done(null, name === 'shop.example' ? shop : undefined);
    return options;
  },
};
`);

  /** curl with the test CA, `name` resolved to 127.0.0.1: fails unless the certificate names `name`. */
  const curl = (name: string, port: string): string =>
    execFileSync('curl', ['-sS', '--cacert', pki.file('ca.pem'), '--resolve', `${name}:${port}:127.0.0.1`, `https://${name}:${port}/sni`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('serves the certificate SNI asks for (curl --resolve, verified against the CA), the default one otherwise', async () => {
    const server = start(['-c', config(), '-b', '127.0.0.1:0', '-w', '1', 'cli/hello.ts:app']);
    const [url] = await server.listening();
    assert.match(url!, /^https:/);
    await server.waitForLog(/^worker ready$/);
    const port = new URL(url!).port;
    assert.match(curl('shop.example', port), /^hello from \d+ \/sni/);
    assert.match(curl('localhost', port), /^hello from \d+ \/sni/);
    // The shop certificate does not name localhost, nor the default one shop.example: both
    // verifications passing means each name got its own certificate.
    const subject = execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'shop.example'], { input: '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    assert.match(subject, /subject=.*CN\s*=\s*shop\.example/);
  });

  it('a hook that throws stops --check-config and a start, naming ssl_context', async () => {
    const bad = tmp.write('bad-sni.conf.ts', `export default {
  certfile: ${JSON.stringify(pki.file('server.pem'))},
  keyfile: ${JSON.stringify(pki.file('server.key'))},
  ssl_context() { throw new Error('no certificates for you'); },
};
`);
    for (const extra of [['--check-config'], []]) {
      const r = await runGunicorn(['-c', bad, '-b', '127.0.0.1:0', ...extra, 'cli/hello.ts:app'], { cwd: FIXTURES });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /ssl_context: \[function\] from \S+: the hook threw: no certificates for you/);
    }
  });
});
