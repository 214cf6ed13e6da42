// Every row of the framework matrix over HTTP/2, unchanged: the same fixtures served with
// --http-protocols h2,h1 and cleartext prior knowledge (127.0.0.1 is a trusted peer by
// default), each asked GET / by curl --http2-prior-knowledge (curl's own nghttp2) and by
// Node's http2 client; the access log says HTTP/2.0. Express, which swaps the prototypes of
// every request and response, also reads bodies over HTTP/2 in a router and a mounted sub-app.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { FIXTURES, serveApp, type ServerProcess } from '../helpers/server.js';
import { FRAMEWORK_FIXTURES, MATRIX } from './frameworks-rows.js';
import { curl } from './http2-support.js';

const H2C = ['--http-protocols', 'h2,h1', '--http2-cleartext', 'prior-knowledge', '--access-logfile', '-'];

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

/** One request with Node's http2 client over cleartext prior knowledge: status, content-type, body. */
function nodeH2(origin: string, path: string, send?: { type: string; body: string }): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin);
    session.on('error', reject);
    // With a content-length, as browsers send it: Express's body parsers skip a body without
    // one, since HTTP/2 has no transfer-encoding to announce it.
    const req = session.request(send
      ? { ':method': 'POST', ':path': path, 'content-type': send.type, 'content-length': Buffer.byteLength(send.body) }
      : { ':path': path });
    req.end(send?.body);
    let body = '';
    let status = 0;
    let type = '';
    req.setEncoding('utf8');
    req.on('response', (headers) => {
      status = Number(headers[':status']);
      type = String(headers['content-type'] ?? '');
    });
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => { session.close(); resolve({ status, type, body }); });
    req.on('error', (err) => { session.destroy(); reject(err); });
  });
}

describe('framework matrix over HTTP/2 (cleartext prior knowledge), each app unchanged', { concurrency: 3 }, () => {
  for (const row of MATRIX) {
    it(`${row.framework}, ${row.shape} (${row.format}): ${row.appModule}`, async () => {
      const { server, url } = await serveApp(row.appModule, FRAMEWORK_FIXTURES, H2C);
      servers.push(server);
      try {
        const viaCurl = await curl(`${url}/`, ['--http2-prior-knowledge']);
        assert.equal(viaCurl.version, '2', server.stderr);
        assert.equal(viaCurl.status, 200, server.stderr);
        assert.equal(viaCurl.body, row.body);
        const viaNode = await nodeH2(url, '/');
        assert.equal(viaNode.status, 200, server.stderr);
        assert.equal(viaNode.body, row.body);
        await server.waitFor('two HTTP/2.0 access log lines', () => (server.stdout.match(/"GET \/ HTTP\/2\.0" 200 /g) ?? []).length >= 2 || undefined);
      } finally {
        await server.stop();
      }
    });
  }
});

describe('Express over HTTP/2: bodies, a mounted router and a mounted sub-app', () => {
  it('express.json() and express.text() read the body; 404 is Express\'s; the worker serves on', async () => {
    const { server, url } = await serveApp('serving/express-body.mjs', FIXTURES, H2C);
    servers.push(server);
    const [worker] = server.bootedPids();
    const json = await nodeH2(url, '/api/echo', { type: 'application/json', body: '{"a":[1,2]}' });
    assert.equal(json.status, 200, server.stderr);
    assert.match(json.type, /^application\/json/);
    assert.deepEqual(JSON.parse(json.body), { got: { a: [1, 2] }, protocol: 'http', httpVersion: '2.0', hostname: '127.0.0.1' });
    const note = await nodeH2(url, '/admin/note', { type: 'text/plain', body: 'over h2' });
    assert.equal(note.status, 201, server.stderr);
    assert.equal(note.body, 'noted: over h2');
    const missing = await nodeH2(url, '/admin/none');
    assert.equal(missing.status, 404);
    assert.match(missing.body, /Cannot GET \/admin\/none/);
    const again = await curl(`${url}/api/echo`, ['--http2-prior-knowledge', '-H', 'content-type: application/json', '--data', '{"b":true}']);
    assert.equal(again.version, '2');
    assert.deepEqual((JSON.parse(again.body) as { got: unknown }).got, { b: true });
    assert.deepEqual(server.bootedPids(), [worker], server.stderr);
  });
});
