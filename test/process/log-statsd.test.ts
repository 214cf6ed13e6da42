// Statsd metrics reach a real UDP listener on 127.0.0.1 with the prefix and dogstatsd
// tags: request counters and timings from access(), log.* counters from the Logger itself,
// and the arbiter's gauge/lifecycle calls through logger.metrics.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../src/log/logger.js';
import { DEFAULTS as DEFAULT_LOG_SETTINGS } from '../helpers/defaults.js';
import { makeRequest, makeResponse } from '../helpers/http-objects.js';
import { runGunicorn } from '../helpers/server.js';

const hello = new URL('../../../test/fixtures/cli/hello.ts', import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), 'gts-statsd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function waitFor(ok: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('statsd', () => {
  it('sends Gunicorn\'s metrics plus status and worker lifecycle metrics', async () => {
    const received: string[] = [];
    const sock = dgram.createSocket('udp4');
    sock.on('message', (m) => received.push(...m.toString().split('\n').filter((l) => l !== '')));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const log = new Logger({
      ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'error.log'), loglevel: 'critical',
      statsd_host: `127.0.0.1:${sock.address().port}`, statsd_prefix: 'app', dogstatsd_tags: 'env:test,team:web',
    }, { role: 'arbiter', pid: process.pid });
    const req = makeRequest();
    const res = makeResponse(req, { statusCode: 204 });
    const expected = [
      'app.log.warning:1|c|#env:test,team:web',
      'app.log.error:1|c|#env:test,team:web',
      'app.log.critical:1|c|#env:test,team:web',
      'app.log.exception:1|c|#env:test,team:web',
      'app.requests:1|c|#env:test,team:web',
      'app.request.duration:2.5|ms|#env:test,team:web',
      'app.request.status.204:1|c|#env:test,team:web',
      'app.workers:3|g|#env:test,team:web',
      'app.workers.booted:1|c|#env:test,team:web',
      'app.workers.retired.max_requests:1|c|#env:test,team:web,worker:2',
      'app.workers.replacement_duration:120|ms|#env:test,team:web',
    ];
    try {
      // Counted whatever loglevel filters out of the file, as Gunicorn does.
      log.warning('w');
      log.error('e');
      log.critical('c');
      log.exception('x', new Error('x'));
      log.access({ req, res, startedMs: Date.now(), durationMs: 2.5, responseBytes: 0 });
      log.metrics.gauge('workers', 3);
      log.metrics.increment('workers.booted');
      log.metrics.increment('workers.retired.max_requests', ['worker:2']);
      log.metrics.timing('workers.replacement_duration', 120);
      await waitFor(() => received.length >= expected.length, `${expected.length} metrics`);
    } finally {
      await log.close();
      sock.close();
    }
    assert.deepEqual([...received].sort(), [...expected].sort());
  });

  it('a unix:// statsd_host without the optional unix-dgram package is refused with a clear message', () => {
    assert.throws(
      () => new Logger({ ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'e3.log'), statsd_host: `unix://${join(dir, 'statsd.sock')}` }, { role: 'arbiter', pid: 1 }),
      /statsd_host: unix:\/\/.*statsd\.sock needs the optional package unix-dgram .*npm install unix-dgram/,
    );
  });

  it('--check-config and a real start agree on a unix:// statsd_host without unix-dgram', async () => {
    const args = ['--statsd-host', `unix://${join(dir, 'statsd.sock')}`, '-b', '127.0.0.1:0', hello];
    for (const run of [[...args, '--check-config'], args]) {
      const r = await runGunicorn(run);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^ {2}statsd_host: "unix:\/\/\S+" from command line: unix:\/\/\S+ needs the optional package unix-dgram/m);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('a statsd_host nobody listens on never throws', async () => {
    const log = new Logger({ ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'e2.log'), statsd_host: '127.0.0.1:9' },
      { role: 'worker', pid: 1 });
    log.metrics.increment('requests');
    log.error('still fine');
    await log.close();
  });
});
