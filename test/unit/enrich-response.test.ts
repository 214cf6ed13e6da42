// enrich_response: the body transformation (pure) and the response wrapping, checked over a
// real in-process HTTP server on 127.0.0.1 with a fake clock: framing, JSON vs text bodies,
// HEAD/204/304 untouched, numbering and timings, streamed text, binary bodies passed through.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { enrichBody, enrichMode, hasNoBody, INFO_HEADER, ResponseEnricher, type EnrichInfo } from '../../src/worker/enrich-response.js';

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
  it('streams text, buffers JSON and whole bodies, passes through what is not text or is compressed', () => {
    assert.equal(enrichMode('text/plain; charset=utf-8', undefined, 200, true), 'stream');
    assert.equal(enrichMode(undefined, undefined, 200, true), 'stream', 'no content-type counts as text');
    assert.equal(enrichMode('text/html', undefined, 200, false), 'buffer', 'a single end() is wrapped whole');
    assert.equal(enrichMode('application/json', undefined, 200, true), 'buffer', 'JSON must be whole to be embedded');
    assert.equal(enrichMode('application/vnd.api+json', undefined, 200, true), 'buffer');
    assert.equal(enrichMode('image/png', undefined, 200, false), 'pass');
    assert.equal(enrichMode('application/octet-stream', undefined, 200, true), 'pass');
    assert.equal(enrichMode('text/plain', 'gzip', 200, false), 'pass', 'compressed text is bytes');
    assert.equal(enrichMode('text/plain', 'identity', 200, false), 'buffer');
    assert.equal(enrichMode('text/plain', undefined, 304, false), 'pass');
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

  it('streams a text body written in pieces through the wrapper, chunked, and numbers the requests', async () => {
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
    assert.equal(first.headers['content-length'], undefined);
    assert.equal(first.headers['transfer-encoding'], 'chunked');
    const parsed = JSON.parse(first.body) as { res: unknown; info: EnrichInfo };
    assert.deepEqual(parsed, { res: 'hello', info: { t1: 1_000_000, d1: 10, d2: 100, pid: 4242, nr: 1, max: 57 } });
    const second = JSON.parse((await send('/')).body) as { info: EnrichInfo };
    assert.equal(second.info.nr, 2);
  });

  it('wraps a body given whole with its Content-Length; a UTF-8 character split between writes stays whole', async () => {
    app = (req, res) => {
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      if (req.url === '/whole') return void res.end('"quoted" é');
      const bytes = Buffer.from('a é b');
      res.write(bytes.subarray(0, 3));
      res.end(bytes.subarray(3));
    };
    const whole = await send('/whole');
    assert.equal(Number(whole.headers['content-length']), Buffer.byteLength(whole.body));
    assert.equal((JSON.parse(whole.body) as { res: unknown }).res, '"quoted" é');
    const split = await send('/split');
    assert.equal((JSON.parse(split.body) as { res: unknown }).res, 'a é b');
  });

  it('streams server-sent events: flushHeaders() sends the head and the opening of the wrapper', async () => {
    let finish = (): void => undefined;
    app = (_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.flushHeaders();
      res.write('data: one\n\n');
      finish = () => res.end('data: two\n\n');
    };
    const reply = await new Promise<{ first: string; rest: Promise<string> }>((resolve, reject) => {
      request(base, (res) => {
        res.setEncoding('utf8');
        let text = '';
        const rest = new Promise<string>((done) => res.on('end', () => done(text)));
        res.on('data', (d: string) => {
          text += d;
          if (text.includes('one')) resolve({ first: text, rest });
        });
      }).on('error', reject).end();
    });
    assert.equal(reply.first, '{"res":"data: one\\n\\n');
    finish();
    assert.equal((JSON.parse(await reply.rest) as { res: unknown }).res, 'data: one\n\ndata: two\n\n');
  });

  it('passes a binary body through byte for byte, the telemetry in a header', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xc3]);
    app = (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(png.subarray(0, 4));
      res.end(png.subarray(4));
    };
    clock = 5_000;
    const bytes = await new Promise<{ body: Buffer; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      request(base, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d)).on('end', () => resolve({ body: Buffer.concat(chunks), headers: res.headers }));
      }).on('error', reject).end();
    });
    assert.deepEqual(bytes.body, png);
    assert.equal(bytes.headers['content-type'], 'image/png');
    const info = JSON.parse(String(bytes.headers[INFO_HEADER])) as EnrichInfo;
    assert.deepEqual({ ...info, nr: 0 }, { t1: 5_000, d1: 10, d2: 100, pid: 4242, nr: 0, max: 57 });
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
