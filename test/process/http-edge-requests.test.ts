// The HTTP edge through the real binary: every request of the malformed corpus over a raw
// socket gets its 4xx or a closed connection and never takes the worker down (the same
// worker pid serves a normal request afterwards), and each request limit at, just under
// and just over its value gets the documented status.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  bodyOf, closingGet, exchange, extraFields, fieldOf, rawRequest, requestLineOf, startEchoServer, statusOf, type EchoServer,
} from '../helpers/raw-http.js';

const corpus = fileURLToPath(new URL('../../../test/fixtures/malformed/', import.meta.url));
const manifest = JSON.parse(fs.readFileSync(`${corpus}manifest.json`, 'utf8')) as Record<string, '4xx' | 'closed'>;

/** The worker pid the echo app reports for a normal request. */
async function servedBy(port: number): Promise<number> {
  const resp = await exchange(port, closingGet('/ok'));
  assert.equal(statusOf(resp), 200, resp.slice(0, 200));
  return (JSON.parse(bodyOf(resp)) as { pid: number }).pid;
}

describe('malformed corpus against gunicorn-ts -w 1', () => {
  let echo: EchoServer;
  before(async () => { echo = await startEchoServer([]); });
  after(() => echo?.server.stop());

  for (const [file, expected] of Object.entries(manifest)) {
    test(`${file}: ${expected}`, { timeout: 15_000 }, async () => {
      const resp = await exchange(echo.port, fs.readFileSync(`${corpus}${file}`));
      const status = statusOf(resp);
      if (expected === '4xx') assert.ok(status >= 400 && status < 500, `got ${JSON.stringify(resp.slice(0, 80))}`);
      else assert.ok(resp === '' || (status >= 400 && status < 500), `got ${JSON.stringify(resp.slice(0, 80))}`);
      assert.doesNotMatch(resp, /HTTP\/1\.1 200/, 'the app must not answer a malformed request');
    });
  }

  test('afterwards the same worker serves a normal request, and no worker exited', async () => {
    assert.equal(await servedBy(echo.port), echo.workerPid);
    assert.deepEqual(echo.server.bootedPids(), [echo.workerPid]);
    assert.equal(echo.server.logCount(/worker exited|Worker exiting|failed to boot/i), 0);
    assert.equal(echo.server.lines.filter((l) => l.level === 'error' || l.level === 'critical').length, 0, 'no error lines');
  });
});

describe('request limits through the binary', () => {
  let echo: EchoServer;
  before(async () => {
    echo = await startEchoServer(['--limit-request-line', '100', '--limit-request-fields', '10', '--limit-request-field_size', '50']);
  });
  after(() => echo?.server.stop());
  const status = async (bytes: string): Promise<number> => statusOf(await exchange(echo.port, bytes));

  test('--limit-request-line 100: 99 and 100 bytes pass, 101 gets 414 and the connection closes', async () => {
    assert.equal(await status(rawRequest(requestLineOf(99))), 200);
    assert.equal(await status(rawRequest(requestLineOf(100))), 200);
    const over = await exchange(echo.port, rawRequest(requestLineOf(101)));
    assert.equal(statusOf(over), 414);
    assert.match(over, /\r\nConnection: close\r\n/i);
    assert.match(bodyOf(over), /limit_request_line \(100\)/);
  });
  test('--limit-request-fields 10: 9 and 10 fields pass, 11 get 431', async () => {
    // Host and Connection are two of the fields.
    assert.equal(await status(rawRequest('GET / HTTP/1.1', extraFields(7))), 200);
    assert.equal(await status(rawRequest('GET / HTTP/1.1', extraFields(8))), 200);
    const over = await exchange(echo.port, rawRequest('GET / HTTP/1.1', extraFields(9)));
    assert.equal(statusOf(over), 431);
    assert.match(bodyOf(over), /limit_request_fields \(10\)/);
  });
  test('--limit-request-field_size 50: field lines of 49 and 50 bytes with CRLF pass, 51 gets 431', async () => {
    assert.equal(await status(rawRequest('GET / HTTP/1.1', [fieldOf(47)])), 200);
    assert.equal(await status(rawRequest('GET / HTTP/1.1', [fieldOf(48)])), 200);
    const over = await exchange(echo.port, rawRequest('GET / HTTP/1.1', [fieldOf(49)]));
    assert.equal(statusOf(over), 431);
    assert.match(bodyOf(over), /limit_request_field_size \(50\)/);
  });
  test('a head far beyond every limit gets 431 from the parser; the worker is still the same', async () => {
    assert.equal(await status(rawRequest('GET / HTTP/1.1', [`X-Big: ${'b'.repeat(20_000)}`])), 431);
    assert.equal(await servedBy(echo.port), echo.workerPid);
  });
});
