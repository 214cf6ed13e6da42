// --enrich-response end to end: every body is {"res", "info"} with the six fields, the pid
// is the serving worker's, nr counts each worker's requests one by one, and max is the
// worker's max_requests with its jitter. A streamed text body reaches the client piece by
// piece; a binary body arrives byte for byte with the telemetry in a header.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { startGunicorn, type ServerProcess } from '../helpers/server.js';
import { policyLines } from './replacement-support.js';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

interface Enriched {
  res: { pid: number; initDone: null };
  info: { t1: number; d1: number; d2: number; pid: number; nr: number; max: number };
}

function get(url: string, method = 'GET'): Promise<{ status: number; type: string | undefined; length: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    // A new connection each time, so requests spread over both workers.
    request(url, { agent: false, method }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], length: res.headers['content-length'], text }));
    }).on('error', reject).end();
  });
}

describe('--enrich-response', { timeout: 60_000 }, () => {
  it('wraps every body with the serving worker\'s telemetry', async () => {
    const server = startGunicorn(['-b', '127.0.0.1:0', '-w', '2', '--enrich-response', '--max-requests', '1000', '--max-requests-jitter', '50', 'replacement/app.mjs']);
    servers.push(server);
    const [url] = await server.listening();
    await server.waitFor('2 booted workers', () => policyLines(server).filter((l) => l.msg === 'worker booted').length >= 2);
    const workerPids = new Set(policyLines(server).filter((l) => l.msg === 'booting worker').map((l) => l['worker_pid'] as number));
    const byPid = new Map<number, Enriched['info'][]>();
    for (let i = 0; i < 60; i++) {
      const before = Date.now() * 1000;
      const reply = await get(`${url}/`);
      const afterUs = Date.now() * 1000;
      assert.equal(reply.status, 200);
      assert.equal(reply.type, 'application/json');
      assert.equal(Number(reply.length), Buffer.byteLength(reply.text));
      const body = JSON.parse(reply.text) as Enriched;
      assert.deepEqual(Object.keys(body.info).sort(), ['d1', 'd2', 'max', 'nr', 'pid', 't1']);
      assert.equal(body.info.pid, body.res.pid, 'info.pid is the pid that ran the app');
      assert.ok(workerPids.has(body.info.pid));
      assert.ok(body.info.t1 >= before - 1000 && body.info.t1 <= afterUs + 1000, `t1 ${body.info.t1} within the request`);
      assert.ok(body.info.d1 >= 0 && body.info.d2 >= 0);
      byPid.set(body.info.pid, [...(byPid.get(body.info.pid) ?? []), body.info]);
    }
    for (const [pid, infos] of byPid) {
      assert.deepEqual(infos.map((x) => x.nr), infos.map((_, i) => i + 1), `nr of ${pid} counts 1, 2, 3...`);
      const max = infos[0]!.max;
      assert.ok(max >= 1000 && max <= 1050, `max ${max} within max_requests + jitter`);
      assert.ok(infos.every((x) => x.max === max));
    }
    const head = await get(`${url}/`, 'HEAD');
    assert.equal(head.text, '');
    assert.equal(head.type, 'application/json', 'HEAD keeps the app\'s own headers');
  });

  it('streams a text body as it is written, and passes a binary body through with the telemetry in a header', async () => {
    const server = startGunicorn(['-b', '127.0.0.1:0', '-w', '1', '--enrich-response', 'serving/enrich-stream-app.mjs']);
    servers.push(server);
    const [url] = await server.listening();
    await server.waitFor('a booted worker', () => server.bootedPids().length >= 1, 30_000);
    const [pid] = server.bootedPids();

    // The first piece arrives, wrapped, while the app still holds the end of its body back.
    const res = await new Promise<IncomingMessage>((resolve, reject) => request(`${url}/stream`, { agent: false }, resolve).on('error', reject).end());
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    res.setEncoding('utf8');
    let text = '';
    await new Promise<void>((resolve) => {
      const onData = (d: string): void => {
        text += d;
        if (text.includes('first')) { res.off('data', onData); resolve(); }
      };
      res.on('data', onData);
    });
    assert.equal(text, '{"res":"first \\"piece\\"\\n');
    const rest = new Promise<string>((resolve) => {
      res.on('data', (d: string) => { text += d; }).on('end', () => resolve(text));
    });
    assert.equal((await get(`${url}/release`)).status, 200);
    const whole = JSON.parse(await rest) as Enriched & { res: string };
    assert.equal(whole.res, 'first "piece"\nlast é');
    assert.equal(whole.info.pid, pid);

    // The bytes serving/enrich-stream-app.mjs writes: not UTF-8 (0xff, 0xfe, 0xc3 0x28).
    const PNG = Buffer.from('89504e470d0a1a0a00fffec328', 'hex');
    const binary = await new Promise<{ body: Buffer; info: string | undefined; type: string | undefined }>((resolve, reject) => {
      request(`${url}/binary`, { agent: false }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (d: Buffer) => chunks.push(d)).on('end', () => resolve({ body: Buffer.concat(chunks), info: r.headers['x-enrich-info'] as string | undefined, type: r.headers['content-type'] }));
      }).on('error', reject).end();
    });
    assert.deepEqual(binary.body, PNG);
    assert.equal(binary.type, 'image/png');
    const info = JSON.parse(binary.info ?? '{}') as Enriched['info'];
    assert.deepEqual(Object.keys(info), ['t1', 'd1', 'd2', 'pid', 'nr', 'max']);
    assert.equal(info.pid, pid);

    const json = JSON.parse((await get(`${url}/json`)).text) as { res: unknown };
    assert.deepEqual(json.res, { a: [1, 2] });
  });
});
