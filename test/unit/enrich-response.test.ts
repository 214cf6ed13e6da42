// enrich_response: the body transformation (pure) and the response wrapping, checked over a
// real in-process HTTP server on 127.0.0.1 with a fake clock: framing, JSON vs text bodies,
// HEAD/204/304 untouched, numbering and timings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { enrichBody, hasNoBody, ResponseEnricher, type EnrichInfo } from '../../src/worker/enrich-response.js';

const INFO: EnrichInfo = { t1: 1, d1: 2, d2: 3, pid: 4, nr: 5, max: 6 };

describe('enrichBody', () => {
  it('parses a JSON body when the app said JSON', () => {
    assert.deepEqual(JSON.parse(enrichBody(Buffer.from('{"a":[1,2]}'), 'application/json; charset=utf-8', INFO)), { res: { a: [1, 2] }, info: INFO });
    assert.deepEqual(JSON.parse(enrichBody(Buffer.from('7'), 'application/problem+json', INFO)).res, 7);
  });
  it('keeps text, JSON-looking text without a JSON type, invalid JSON and empty bodies as strings', () => {
    assert.equal(JSON.parse(enrichBody(Buffer.from('héllo'), 'text/plain', INFO)).res, 'héllo');
    assert.equal(JSON.parse(enrichBody(Buffer.from('{"a":1}'), undefined, INFO)).res, '{"a":1}');
    assert.equal(JSON.parse(enrichBody(Buffer.from('{oops'), 'application/json', INFO)).res, '{oops');
    assert.equal(JSON.parse(enrichBody(Buffer.alloc(0), 'application/json', INFO)).res, '');
  });
  it('knows which responses have no body', () => {
    assert.equal(hasNoBody('HEAD', 200), true);
    assert.equal(hasNoBody('GET', 204), true);
    assert.equal(hasNoBody('GET', 304), true);
    assert.equal(hasNoBody('GET', 101), true);
    assert.equal(hasNoBody('GET', 200), false);
    assert.equal(hasNoBody('POST', 500), false);
  });
});

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

describe('ResponseEnricher over HTTP', () => {
  let server: Server;
  let base = '';
  let clock = 0;
  let app: RequestListener = () => undefined;
  const enricher = new ResponseEnricher(57, () => clock, 4242);

  before(async () => {
    server = createServer((req, res) => {
      const e = enricher.begin(req, res);
      clock += 10; // pre_request and the gate took 10 µs
      e.appCalled();
      clock += 100; // the app takes 100 µs
      app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const send = (path: string, method = 'GET'): Promise<Reply> => new Promise((resolve, reject) => {
    request(`${base}${path}`, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject).end();
  });

  it('wraps a chunked text body, fixes the framing, and numbers the requests', async () => {
    app = (_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/plain', 'Content-Length': '5', 'X-App': 'yes' });
      res.write('hel');
      res.end(Buffer.from('lo'));
    };
    clock = 1_000_000;
    const first = await send('/');
    assert.equal(first.status, 201);
    assert.equal(first.headers['content-type'], 'application/json');
    assert.equal(first.headers['x-app'], 'yes');
    assert.equal(Number(first.headers['content-length']), Buffer.byteLength(first.body));
    const parsed = JSON.parse(first.body) as { res: unknown; info: EnrichInfo };
    assert.deepEqual(parsed, { res: 'hello', info: { t1: 1_000_000, d1: 10, d2: 100, pid: 4242, nr: 1, max: 57 } });
    const second = JSON.parse((await send('/')).body) as { info: EnrichInfo };
    assert.equal(second.info.nr, 2);
  });

  it('parses a JSON body and accepts writeHead with a flat header array and a status message', async () => {
    app = (_req, res) => {
      res.writeHead(200, 'Fine', ['content-type', 'application/json', 'transfer-encoding', 'chunked']);
      res.end('{"ok":true}');
    };
    const reply = await send('/');
    assert.equal(reply.headers['transfer-encoding'], undefined);
    assert.deepEqual((JSON.parse(reply.body) as { res: unknown }).res, { ok: true });
  });

  it('leaves HEAD, 204 and 304 alone', async () => {
    app = (req, res) => {
      if (req.url === '/204') res.statusCode = 204;
      else if (req.url === '/304') res.statusCode = 304;
      res.setHeader('content-type', 'text/plain');
      res.end(req.url === '/head' ? 'body' : undefined);
    };
    const head = await send('/head', 'HEAD');
    assert.equal(head.headers['content-type'], 'text/plain');
    assert.equal(head.body, '');
    for (const status of [204, 304]) {
      const reply = await send(`/${status}`);
      assert.equal(reply.status, status);
      assert.equal(reply.headers['content-type'], 'text/plain');
      assert.equal(reply.body, '');
    }
  });

  it('calls the write and end callbacks', async () => {
    let called = 0;
    app = (_req, res) => {
      res.write('a', () => { called++; });
      res.end('b', () => { called++; });
    };
    const reply = await send('/');
    assert.equal((JSON.parse(reply.body) as { res: unknown }).res, 'ab');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(called, 2);
  });
});
