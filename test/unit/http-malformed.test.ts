// Sends every raw request of test/fixtures/malformed/ to a real http server built with the
// edge (default limits), checks the manifest's outcome (a 4xx then close, or a close) and
// that the server still answers a normal request afterwards.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { createHttpEdge } from '../../src/http/edge.js';
import { DEFAULTS } from '../helpers/defaults.js';
import { exchange } from '../helpers/raw-http.js';

const corpus = fileURLToPath(new URL('../../../test/fixtures/malformed/', import.meta.url));
const manifest = JSON.parse(fs.readFileSync(`${corpus}manifest.json`, 'utf8')) as Record<string, '4xx' | 'closed'>;

describe('malformed request corpus', () => {
  let server: http.Server;
  let port = 0;
  const logged: string[] = [];
  before(async () => {
    const edge = createHttpEdge(DEFAULTS, (level, msg, fields) => logged.push(`${level} ${msg} ${String(fields?.code ?? fields?.status)}`));
    server = edge.createServer((req, res) => {
      // Apps do not always listen for request errors; an aborted body must not crash the server.
      req.on('data', () => undefined);
      req.on('end', () => res.end('ok'));
    }) as http.Server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  test('the corpus has at least 40 cases and every file is in the manifest', () => {
    const files = fs.readdirSync(corpus).filter((f) => f.endsWith('.http'));
    assert.ok(files.length >= 40, `${files.length} cases`);
    assert.deepEqual(files.sort(), Object.keys(manifest).sort());
  });

  for (const [file, expected] of Object.entries(manifest)) {
    test(`${file}: ${expected}`, { timeout: 10_000 }, async () => {
      const resp = await exchange(port, fs.readFileSync(`${corpus}${file}`));
      const first = resp.split('\r\n', 1)[0] ?? '';
      if (expected === '4xx') assert.match(first, /^HTTP\/1\.1 4\d\d /, `got ${JSON.stringify(resp.slice(0, 80))}`);
      else assert.ok(resp === '' || /^HTTP\/1\.1 4\d\d /.test(first), `got ${JSON.stringify(resp.slice(0, 80))}`);
      assert.doesNotMatch(resp, /HTTP\/1\.1 200/, 'the app must not answer a malformed request');
      if (/^HTTP\/1\.1 4/.test(first)) assert.match(resp, /\r\nConnection: close\r\n/i);
    });
  }

  test('a normal request is still served, and rejections were logged at debug', async () => {
    const resp = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(resp, /^HTTP\/1\.1 200 /);
    assert.ok(logged.length > 0);
    assert.ok(logged.every((l) => l.startsWith('debug ')), logged.find((l) => !l.startsWith('debug ')));
  });
});
