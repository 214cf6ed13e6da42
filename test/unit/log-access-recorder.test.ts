// The worker's access recorder and response class on real node:http request/response objects
// (no sockets): what it hands Logger.access(), the bytes it counts, the head headers it keeps,
// the arrival it notes, and that it does nothing when no access log, syslog or statsd wants
// the requests.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../src/log/logger.js';
import type { AccessRecord } from '../../src/log/access-format.js';
import { DEFAULTS as DEFAULT_LOG_SETTINGS } from '../helpers/defaults.js';
import type { LogSettings } from '../../src/log/types.js';
import { accessRecorder, type AccessRecorder } from '../../src/worker/access-recorder.js';
import { arrivedAt, wallClockMs, workerResponseClass } from '../../src/worker/worker-response.js';
import { monotonicMs } from '../../src/monotonic-clock.js';

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

interface Tracking {
  readonly recorder: AccessRecorder;
  readonly Response: typeof http.ServerResponse;
}

function tracking(log: Logger): Tracking {
  const recorder = accessRecorder(log);
  assert.ok(recorder);
  return { recorder, Response: workerResponseClass(recorder.features) };
}

/** A request and its response, made with the worker's response class as its server would. */
function request(t: Tracking, method = 'GET', url = '/p?q=1'): { req: http.IncomingMessage; res: http.ServerResponse } {
  const req = new http.IncomingMessage(new Socket());
  req.method = method;
  req.url = url;
  req.httpVersion = '1.1';
  req.headers = { 'user-agent': 'ua/1' };
  return { req, res: new t.Response(req) };
}

/** What serve-request.ts does when a response closes. */
function close(t: Tracking, res: http.ServerResponse): void {
  const now = monotonicMs();
  t.recorder.finished(res, arrivedAt(res, now), now - arrivedAt(res, now));
}

let n = 0;
function settings(format: string): LogSettings {
  n += 1;
  return { ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, `error-${n}.log`), accesslog: join(dir, `access-${n}.log`), access_log_format: format };
}

describe('accessRecorder', () => {
  it('counts body bytes of write() and end(), strings in their encoding and buffers; HEAD counts 0', async () => {
    const s = settings('%(m)s %(s)s %(b)s %(B)s');
    const log = new Capture(s, who);
    const t = tracking(log);
    const get = request(t);
    get.res.write('héllo');
    get.res.write(Buffer.from([1, 2, 3]));
    get.res.write('68656c6c6f', 'hex');
    get.res.end('!');
    close(t, get.res);
    const head = request(t, 'HEAD');
    head.res.statusCode = 204;
    head.res.end('ignored');
    close(t, head.res);
    await log.close();
    assert.deepEqual(log.records.map((r) => r.responseBytes), [6 + 3 + 5 + 1, 0]);
    assert.equal(log.records[0]?.res, get.res);
    // Counting lives on the subclass's prototype, never on each response.
    assert.equal(Object.hasOwn(get.res, 'write'), false);
    assert.equal(Object.hasOwn(get.res, 'end'), false);
    assert.deepEqual(readFileSync(s.accesslog ?? '', 'utf8'), 'GET 200 15 15\nHEAD 204 - 0\n');
  });
  it('headers given to writeHead() as an object are visible to {Header}o', async () => {
    const s = settings('%({X-Out}o)s %({content-type}o)s');
    const log = new Capture(s, who);
    const t = tracking(log);
    const { res } = request(t);
    res.setHeader('Content-Type', 'text/plain');
    res.writeHead(201, 'Made', { 'X-Out': 'v1' });
    res.end();
    close(t, res);
    await log.close();
    assert.equal(res.statusCode, 201);
    assert.equal(res.statusMessage, 'Made');
    assert.equal(readFileSync(s.accesslog ?? '', 'utf8'), 'v1 text/plain\n');
  });
  it('records arrival on the wall clock and the time until the response closed', async () => {
    const log = new Capture(settings('%(t)s %(D)s'), who);
    const t = tracking(log);
    const before = Date.now();
    const { res } = request(t);
    const made = Date.now();
    // Wait 30 ms by the same clock the worker times requests with (a timer may fire early by it).
    const until = monotonicMs() + 30;
    while (monotonicMs() < until) { /* spin */ }
    res.end();
    close(t, res);
    const after = Date.now();
    await log.close();
    const record = log.records[0];
    assert.ok(record);
    // The wall clock and the monotonic clock drift apart by well under a millisecond here.
    assert.ok(record.startedMs >= before - 2 && record.startedMs <= made + 2, `startedMs ${record.startedMs}, made between ${before} and ${made}`);
    assert.ok(record.durationMs >= 30 && record.durationMs <= after - before + 2, `durationMs ${record.durationMs}`);
  });
  it('wallClockMs maps monotonic readings onto Date.now()', () => {
    const mono = monotonicMs();
    const wall = Date.now();
    assert.ok(Math.abs(wallClockMs(mono) - wall) < 5);
    assert.ok(Math.abs(wallClockMs(mono + 5000) - (wall + 5000)) < 5, 'a reading a few seconds later re-reads the offset');
  });
  it('does nothing when nothing records requests; a subclass overriding access() gets every field', async () => {
    const off = new Logger({ ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'error-off.log') }, who);
    assert.equal(off.recordsRequests, false);
    assert.equal(accessRecorder(off), null);
    // Without the access log the worker's responses still note their arrival (for /metrics), nothing else.
    const Plain = workerResponseClass();
    assert.equal(Plain.prototype.write, http.ServerResponse.prototype.write);
    const sub = new Capture({ ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'error-sub.log') }, who);
    assert.equal(sub.recordsRequests, true);
    assert.equal(sub.overridesAccess, true);
    const t = tracking(sub);
    const { res } = request(t);
    res.end('four');
    close(t, res);
    assert.equal(sub.records.length, 1);
    assert.equal(sub.records[0]?.responseBytes, 4, 'bytes counted though access_log_format is unused');
    await Promise.all([off.close(), sub.close()]);
  });
});
