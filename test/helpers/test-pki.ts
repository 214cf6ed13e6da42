// Certificates made with openssl for TLS tests: a CA, a server certificate for localhost
// and 127.0.0.1, a client certificate signed by the CA, a self-signed "rogue" one, and a
// file that is not PEM. Everything lives in one temporary directory.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  readonly dir: string;
  /** The path of `name` in the directory (ca.pem, server.pem, server.key, client.pem, …). */
  file(name: string): string;
  remove(): void;
}

export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gts-tls-'));
  const f = (name: string): string => path.join(dir, name);
  const ssl = (...args: string[]): void => { execFileSync('openssl', args, { stdio: 'ignore' }); };
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', '/CN=test-ca');
  for (const name of ['server', 'client', 'rogue']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name === 'server' ? 'localhost' : name}`);
  }
  fs.writeFileSync(f('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '1', '-extfile', f('server.ext'));
  ssl('x509', '-req', '-in', f('client.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('client.pem'), '-days', '1');
  ssl('x509', '-req', '-in', f('rogue.csr'), '-signkey', f('rogue.key'), '-out', f('rogue.pem'), '-days', '1');
  fs.writeFileSync(f('garbage.pem'), 'not a pem\n');
  return { dir, file: f, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
