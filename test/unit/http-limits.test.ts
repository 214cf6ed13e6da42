// Request limits at, just under and just over each value, on a real server: 414 for the
// request line, 431 for the field count and a field's size, 408 for a client too slow to
// send its headers; each rejection closes the connection and never reaches the app.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createHttpEdge } from '../../src/http/edge.js';
import { settingsWith } from '../helpers/defaults.js';
import { maxHeaderSizeFor, resolveLimits, serverOptionsFor, LimitSettingError } from '../../src/http/limits.js';
import { statusForClientError } from '../../src/http/client-error.js';
import { exchange, extraFields as extra, fieldOf as field, rawRequest as req, requestLineOf as lineOf, statusOf as status } from '../helpers/raw-http.js';

async function withServer(settings: Record<string, unknown>, fn: (port: number) => Promise<void>): Promise<void> {
  const server = createHttpEdge(settingsWith(settings)).createServer((_req, res) => res.end('app')) as http.Server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn((server.address() as net.AddressInfo).port);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}


describe('limit settings', () => {
  test('out-of-range values name the setting', () => {
    assert.throws(() => resolveLimits({ limit_request_line: 8191, limit_request_fields: 100, limit_request_field_size: 0 }), (e: unknown) => e instanceof LimitSettingError && e.setting === 'limit_request_line');
    assert.throws(() => resolveLimits({ limit_request_line: 0, limit_request_fields: 32769, limit_request_field_size: 0 }), /limit_request_fields/);
    assert.throws(() => resolveLimits({ limit_request_line: 0, limit_request_fields: 1, limit_request_field_size: -1 }), /limit_request_field_size/);
  });
  test('Node parser options follow the settings', () => {
    const o = serverOptionsFor({ limit_request_line: 100, limit_request_fields: 10, limit_request_field_size: 200, timeout: 5, keepalive: 2 });
    assert.equal(o.maxHeaderSize, maxHeaderSizeFor({ requestLine: 100, fields: 10, fieldSize: 200 }));
    assert.ok(o.maxHeaderSize! >= 100 + 10 * 200);
    assert.equal(o.headersTimeout, 5000);
    assert.equal(o.keepAliveTimeout, 2000);
    assert.equal(o.insecureHTTPParser, false);
    assert.equal(statusForClientError('HPE_HEADER_OVERFLOW'), 431);
    assert.equal(statusForClientError('ERR_HTTP_REQUEST_TIMEOUT'), 408);
    assert.equal(statusForClientError('HPE_INVALID_METHOD'), 400);
  });
});

describe('limits on a real server', () => {
  test('limit_request_line: at and under pass, over gets 414', () =>
    withServer({ limit_request_line: 100 }, async (port) => {
      assert.equal(status(await exchange(port, req(lineOf(99)))), 200);
      assert.equal(status(await exchange(port, req(lineOf(100)))), 200);
      const over = await exchange(port, req(lineOf(101)));
      assert.equal(status(over), 414);
      assert.match(over, /Connection: close/);
      assert.doesNotMatch(over, /app$/);
    }));
  test('limit_request_line 0: no line limit (a 20000-byte line passes)', () =>
    withServer({ limit_request_line: 0 }, async (port) => {
      assert.equal(status(await exchange(port, req(lineOf(20000)))), 200);
    }));
  test('limit_request_fields: at and under pass, over gets 431 (Host and Connection count)', () =>
    withServer({ limit_request_fields: 10 }, async (port) => {
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1', extra(7)))), 200);
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1', extra(8)))), 200);
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1', extra(9)))), 431);
    }));
  test('limit_request_field_size: "Name: value" + CRLF at and under pass, over gets 431', () =>
    withServer({ limit_request_field_size: 50 }, async (port) => {
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1', [field(47)]))), 200);
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1', [field(48)]))), 200);
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1', [field(49)]))), 431);
    }));
  test('limit_request_field_size 0: no per-field limit (a 20000-byte field passes)', () =>
    withServer({ limit_request_field_size: 0 }, async (port) => {
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1', [`X-Big: ${'b'.repeat(20000)}`]))), 200);
    }));
  test('a head larger than Node\'s cap for these limits gets 431', () =>
    withServer({ limit_request_fields: 5, limit_request_field_size: 100, limit_request_line: 100 }, async (port) => {
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1', [`X-Big: ${'b'.repeat(5000)}`]))), 431);
    }));
  test('a client trickling its headers past the timeout gets 408 and is closed; others are served meanwhile', { timeout: 20_000 }, () =>
    withServer({ timeout: 1 }, async (port) => {
      const slow = Array.from({ length: 20 }, () => new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        const s = net.connect({ port, host: '127.0.0.1' }, () => s.write('GET / HTTP/1.1\r\nHost: x\r\n'));
        const drip = setInterval(() => { if (s.writable) s.write('X-Slow: 1\r\n'); }, 200);
        s.on('data', (d) => chunks.push(d));
        s.on('error', () => undefined);
        s.on('close', () => { clearInterval(drip); resolve(Buffer.concat(chunks).toString('latin1')); });
      }));
      assert.equal(status(await exchange(port, req('GET / HTTP/1.1'))), 200);
      for (const resp of await Promise.all(slow)) assert.equal(status(resp), 408);
    }));
});
