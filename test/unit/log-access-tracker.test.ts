// The worker's access tracker on real node:http request/response objects (no sockets): what
// it hands Logger.access(), the bytes it counts, the head headers it keeps, and that it
// does nothing when no access log, syslog or statsd wants the requests (issue 6).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../src/log/logger.js';
import type { AccessRecord } from '../../src/log/access-format.js';
import { DEFAULT_LOG_SETTINGS, type LogSettings } from '../../src/log/types.js';
import { accessTracker, type AccessTracking } from '../../src/worker/access-tracker.js';

const dir = mkdtempSync(join(tmpdir(), 'gts-tracker-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const who = { role: 'worker' as const, pid: 99 };

class Capture extends Logger {
  readonly records: AccessRecord[] = [];
  override access(record: AccessRecord): void {
    this.records.push(record);
    super.access(record);
  }
}

/** A request and its response, made with the tracker's response class as the worker's server would. */
function request(tracking: AccessTracking, method = 'GET', url = '/p?q=1'): { req: http.IncomingMessage; res: http.ServerResponse } {
  const req = new http.IncomingMessage(new Socket());
  req.method = method;
  req.url = url;
  req.httpVersion = '1.1';
  req.headers = { 'user-agent': 'ua/1' };
  return { req, res: new tracking.ServerResponse(req) };
}

let n = 0;
function settings(format: string): LogSettings {
  n += 1;
  return { ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, `error-${n}.log`), accesslog: join(dir, `access-${n}.log`), access_log_format: format };
}

describe('accessTracker', () => {
  it('counts body bytes of write() and end(), strings in their encoding and buffers; HEAD counts 0', async () => {
    const s = settings('%(m)s %(s)s %(b)s %(B)s');
    const log = new Capture(s, who);
    const tracking = accessTracker(log);
    const get = request(tracking);
    tracking.track(get.req, get.res);
    get.res.write('héllo');
    get.res.write(Buffer.from([1, 2, 3]));
    get.res.write('68656c6c6f', 'hex');
    get.res.end('!');
    get.res.emit('close');
    const head = request(tracking, 'HEAD');
    tracking.track(head.req, head.res);
    head.res.statusCode = 204;
    head.res.end('ignored');
    head.res.emit('close');
    await log.close();
    assert.deepEqual(log.records.map((r) => r.responseBytes), [6 + 3 + 5 + 1, 0]);
    assert.equal(log.records[0]?.res, get.res);
    assert.ok((log.records[0]?.finishedAt ?? 0n) >= (log.records[0]?.startedAt ?? 1n));
    // Counting lives on the subclass's prototype, never on each response.
    assert.equal(Object.hasOwn(get.res, 'write'), false);
    assert.equal(Object.hasOwn(get.res, 'end'), false);
    assert.deepEqual(readFileSync(s.accesslog ?? '', 'utf8'), 'GET 200 15 15\nHEAD 204 - 0\n');
  });
  it('headers given to writeHead() as an object are visible to {Header}o', async () => {
    const s = settings('%({X-Out}o)s %({content-type}o)s');
    const log = new Capture(s, who);
    const tracking = accessTracker(log);
    const { req, res } = request(tracking);
    tracking.track(req, res);
    res.setHeader('Content-Type', 'text/plain');
    res.writeHead(201, 'Made', { 'X-Out': 'v1' });
    res.end();
    res.emit('close');
    await log.close();
    assert.equal(res.statusCode, 201);
    assert.equal(res.statusMessage, 'Made');
    assert.equal(readFileSync(s.accesslog ?? '', 'utf8'), 'v1 text/plain\n');
  });
  it('does nothing when nothing records requests, and always tracks for a subclass overriding access()', async () => {
    const off = new Logger({ ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'error-off.log') }, who);
    assert.equal(off.recordsRequests, false);
    const tracking = accessTracker(off);
    assert.equal(tracking.ServerResponse, http.ServerResponse, 'no response subclass');
    const { req, res } = request(tracking);
    tracking.track(req, res);
    assert.equal(res.listenerCount('close'), 0);
    const sub = new Capture({ ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'error-sub.log') }, who);
    assert.equal(sub.recordsRequests, true);
    const subTracking = accessTracker(sub);
    const other = request(subTracking);
    subTracking.track(other.req, other.res);
    other.res.emit('close');
    assert.equal(sub.records.length, 1);
    await Promise.all([off.close(), sub.close()]);
  });
});
