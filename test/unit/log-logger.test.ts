// The base Logger against real files: JSON and pretty lines, levels, pid/worker fields,
// raw access lines, reopen() across a logrotate-style move, logconfig and logger_class.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '../../src/log/logger.js';
import { createLogger, loadLoggerClass } from '../../src/log/create-logger.js';
import { DEFAULTS as DEFAULT_LOG_SETTINGS } from '../helpers/defaults.js';
import { makeRequest, makeResponse } from '../helpers/http-objects.js';
import type { LogSettings, Who } from '../../src/log/types.js';
import type { AccessRecord } from '../../src/log/access-format.js';

const dir = mkdtempSync(join(tmpdir(), 'gts-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../../test/fixtures/log/${name}`, import.meta.url));

const pbkdf2Async = promisify(pbkdf2);

/** Queues slow work on every thread of libuv's pool (4 by default, or UV_THREADPOOL_SIZE). */
function occupyThreadPool(): Promise<unknown> {
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  return Promise.all(Array.from({ length: threads }, () => pbkdf2Async('x', 'y', 200_000, 32, 'sha256')));
}

let n = 0;
function settings(over: Partial<LogSettings> = {}): LogSettings {
  n += 1;
  return { ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, `error-${n}.log`), log_format: 'json', ...over };
}
const worker: Who = { role: 'worker', pid: 4321, workerId: 3, generation: 2 };
const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
const json = (path: string): Record<string, unknown>[] => lines(path).map((l) => JSON.parse(l) as Record<string, unknown>);

function record(path: string): AccessRecord {
  const req = makeRequest({ url: path, remoteAddress: '10.0.0.1' });
  return {
    req, res: makeResponse(req),
    startedMs: Date.now(), durationMs: 1, responseBytes: 5,
  };
}

describe('error log', () => {
  it('writes JSON lines with Gunicorn level names, pid, worker and generation', async () => {
    const s = settings();
    const log = new Logger(s, worker);
    log.info('Booting worker with pid: 4321');
    log.warning('slow', { ms: 12 });
    log.critical('WORKER TIMEOUT');
    await log.close();
    const [a, b, c] = json(s.errorlog);
    assert.deepEqual([a?.level, b?.level, c?.level], ['info', 'warning', 'critical']);
    assert.equal(a?.msg, 'Booting worker with pid: 4321');
    assert.deepEqual([a?.pid, a?.worker, a?.gen], [4321, 3, 2]);
    assert.equal(b?.ms, 12);
  });
  it('the arbiter\'s lines carry pid and no worker fields', async () => {
    const s = settings();
    const log = new Logger(s, { role: 'arbiter', pid: 77 });
    log.info('Starting gunicorn-ts');
    await log.close();
    const [a] = json(s.errorlog);
    assert.equal(a?.pid, 77);
    assert.equal('worker' in (a ?? {}), false);
  });
  it('loglevel filters lower levels', async () => {
    const s = settings({ loglevel: 'warning' });
    const log = new Logger(s, worker);
    log.debug('d');
    log.info('i');
    log.warning('w');
    log.error('e');
    assert.equal(log.isEnabled('info'), false);
    await log.close();
    assert.deepEqual(json(s.errorlog).map((r) => r.msg), ['w', 'e']);
  });
  it('is written synchronously: the line is on disk before close', () => {
    const s = settings();
    const log = new Logger(s, worker);
    log.error('right now');
    assert.equal(json(s.errorlog)[0]?.msg, 'right now');
    void log.close();
  });
  it('exception() logs at error level with the stack', async () => {
    const s = settings();
    const log = new Logger(s, worker);
    log.exception('Error handling request', new Error('kaput'));
    await log.close();
    const [a] = json(s.errorlog);
    assert.equal(a?.level, 'error');
    assert.match(JSON.stringify(a?.err), /kaput.*at /);
  });
  it('pretty format looks like Gunicorn\'s', async () => {
    const s = settings({ log_format: 'pretty' });
    const log = new Logger(s, { role: 'arbiter', pid: 1234 });
    log.info('Listening at: http://127.0.0.1:8000 (1234)');
    await log.close();
    assert.match(lines(s.errorlog)[0] ?? '',
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[1234\] \[INFO\] Listening at: http:\/\/127\.0\.0\.1:8000 \(1234\)$/);
  });
  it('an errorlog that cannot be opened is a clear error', () => {
    assert.throws(() => new Logger(settings({ errorlog: join(dir, 'no/such/dir/e.log') }), worker),
      /^Error: errorlog: cannot open .*no\/such\/dir\/e\.log for appending: ENOENT/);
  });
});

describe('access log', () => {
  it('writes the formatted line raw, one per request', async () => {
    const s = settings({ accesslog: join(dir, `access-${n}.log`), access_log_format: '%(h)s %(r)s %(s)s %(b)s %(M)s' });
    const log = new Logger(s, worker);
    log.access(record('/a'));
    log.access(record('/b?q=1'));
    await log.close();
    assert.deepEqual(lines(s.accesslog ?? ''), ['10.0.0.1 GET /a HTTP/1.1 200 5 1', '10.0.0.1 GET /b?q=1 HTTP/1.1 200 5 1']);
  });
  for (const viaSyslog of [false, true]) {
    // With syslog on, each line is built as text for both syslog and the file (line-batch's write()).
    it(`writes every byte across 64 KiB batches: multi-byte characters, and lines longer than a batch${viaSyslog ? ' (syslog on too)' : ''}`, async () => {
      const s = settings({
        accesslog: join(dir, `access-${n}.log`), access_log_format: '%(U)s',
        // Port 9 (discard): nobody listens, and a syslog server that is not there never stops the log.
        ...(viaSyslog ? { syslog: true, syslog_addr: 'udp://127.0.0.1:9' } : {}),
      });
      const log = new Logger(s, worker);
      const paths: string[] = [];
      // ~200 KiB of lines with 1-, 2-, 3- and 4-byte UTF-8 characters, so batch ends fall
      // next to every kind of character, plus two lines each bigger than a whole batch.
      for (let i = 0; i < 3000; i++) paths.push(`/${i}-a-ü-€-😀-${'x'.repeat(i % 97)}`);
      paths.splice(1000, 0, `/long-${'ü'.repeat(40_000)}`);
      paths.splice(2000, 0, `/longer-${'€😀'.repeat(30_000)}`);
      // Keep libuv's pool busy so the first batch's write is still queued when close() comes:
      // closing must write what follows it after it, not jump ahead of it.
      const poolBusy = occupyThreadPool();
      for (const p of paths) log.access(record(p));
      await log.close();
      await poolBusy;
      assert.equal(readFileSync(s.accesslog ?? '', 'utf8'), paths.map((p) => `${p}\n`).join(''));
    });
  }
});

describe('reopen()', () => {
  it('loses and duplicates no line across move + reopen, for both logs', async () => {
    const s = settings({ accesslog: join(dir, `access-${n}.log`), access_log_format: '%(U)s' });
    const accessPath = s.accesslog ?? '';
    const log = new Logger(s, worker);
    for (let i = 0; i < 500; i++) { log.info(`e${i}`); log.access(record(`/r${i}`)); }
    renameSync(s.errorlog, `${s.errorlog}.1`);
    renameSync(accessPath, `${accessPath}.1`);
    log.reopen();
    for (let i = 500; i < 1000; i++) { log.info(`e${i}`); log.access(record(`/r${i}`)); }
    await log.close();
    const errors = [...json(`${s.errorlog}.1`), ...json(s.errorlog)].map((r) => r.msg);
    const access = [...lines(`${accessPath}.1`), ...lines(accessPath)];
    assert.deepEqual(errors, Array.from({ length: 1000 }, (_, i) => `e${i}`));
    assert.deepEqual(access, Array.from({ length: 1000 }, (_, i) => `/r${i}`));
    assert.ok(lines(s.errorlog).length > 0, 'new lines went to the new file');
  });
});

describe('createLogger', () => {
  it('applies a JSON logconfig (pino options)', async () => {
    const s = settings({ logconfig: fixture('pino-options.json') });
    const log = await createLogger(s, worker);
    log.info('hello');
    await log.close();
    assert.equal(json(s.errorlog)[0]?.message, 'hello');
  });
  it('applies a TypeScript logconfig', async () => {
    const s = settings({ logconfig: fixture('pino-options.ts') });
    const log = await createLogger(s, worker);
    log.info('hi');
    await log.close();
    assert.equal(json(s.errorlog)[0]?.text, 'hi');
  });
  it('a missing logconfig is a clear error', async () => {
    await assert.rejects(createLogger(settings({ logconfig: join(dir, 'nope.json') }), worker), /^Error: logconfig: cannot load .*nope\.json/);
  });
  it('uses logger_class', async () => {
    const s = settings({ logger_class: `${fixture('custom-logger.ts')}:TaggedLogger` });
    const log = await createLogger(s, worker);
    log.info('hello');
    await log.close();
    assert.equal(json(s.errorlog)[0]?.msg, '[tagged] hello');
  });
  it('rejects a logger_class that does not extend Logger, or a missing name', async () => {
    await assert.rejects(loadLoggerClass(`${fixture('custom-logger.ts')}:NotALogger`), /must be a class extending Logger/);
    await assert.rejects(loadLoggerClass(`${fixture('custom-logger.ts')}:Nope`), /has no export named Nope \(found: .*TaggedLogger/);
  });
});
