// The error log through the real binary: workers and arbiter write the same JSON
// lines with their own pid; Gunicorn's familiar messages at their levels in the right
// process (start, listen, boot, HUP, timeout, shutdown); logconfig and logger_class.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { startGunicorn, type LogLine, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const servers: ServerProcess[] = [];
const tmp = makeTempDir('gts-logging-');
after(async () => {
  for (const s of servers) await s.stop();
  tmp.remove();
});

const APP = 'logging/app.ts:app';

function start(args: readonly string[]): ServerProcess {
  const server = startGunicorn(['-b', '127.0.0.1:0', ...args, APP]);
  servers.push(server);
  return server;
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    http.get(url, { agent: false }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', () => resolve(0));
  });
}

function line(server: ServerProcess, re: RegExp, key = 'msg'): LogLine | undefined {
  return server.lines.find((l) => typeof l[key] === 'string' && re.test(l[key] as string));
}

describe('error log through the binary', () => {
  it('arbiter and workers write JSON lines with their pid and Gunicorn\'s messages at their levels', async () => {
    const server = start(['-w', '2', '--timeout', '2']);
    const [url] = await server.listening();
    await server.waitFor('2 booted workers', () => server.bootedPids().length >= 2);
    const master = server.pid;
    for (const re of [/^Starting gunicorn-ts /, /^Listening at: http:\/\/127\.0\.0\.1:\d+ \(\d+\)$/, /^Using worker: async$/]) {
      const l = await server.waitForLog(re);
      assert.equal(l.pid, master, `${re} comes from the arbiter`);
      assert.equal(l.level, 'info');
    }
    for (const pid of server.bootedPids()) {
      const boot = line(server, new RegExp(`^Booting worker with pid: ${pid}$`))!;
      assert.equal(boot.pid, pid, 'a worker announces its own boot');
      assert.equal(boot.level, 'info');
      assert.equal(typeof boot['worker'], 'number');
      assert.equal(typeof boot['gen'], 'number');
    }
    assert.ok(server.lines.every((l) => typeof l.pid === 'number' && typeof l.time === 'string'), 'every line is JSON with pid');

    server.signal('SIGHUP');
    assert.equal((await server.waitForLog(/^Handling signal: hup$/)).pid, master);
    assert.equal((await server.waitForLog(/^Hang up: Master$/)).level, 'info');
    await server.waitFor('2 more booted workers', () => server.bootedPids().length >= 4);
    // HUP is rolling: the old workers drain once replaced; block a new one, not one leaving.
    await server.waitFor('the old generation gone', () => server.lines.filter((l) => l.msg === 'worker exited' && l['gen'] === 0).length >= 2);

    // A request that blocks the event loop past `timeout` stops the heartbeats.
    void get(`${url}/block?ms=8000`);
    const timeout = await server.waitForLog(/^WORKER TIMEOUT \(pid:\d+\)$/, 20_000);
    assert.equal(timeout.level, 'critical');
    assert.equal(timeout.pid, master);
    const victim = Number(/pid:(\d+)/.exec(timeout.msg!)![1]);
    await server.waitForLog(new RegExp(`^Worker exiting \\(pid: ${victim}\\)$`));

    server.signal('SIGTERM');
    await server.exited;
    assert.equal(line(server, /^Shutting down: Master$/)?.pid, master);
  });

  it('logconfig: pino options from a JSON file apply in the arbiter and in every worker', async () => {
    const server = start(['-w', '1', '--log-config', 'logging/pino-options.json']);
    const boot = await server.waitFor('a worker boot line under "message"', () => line(server, /^Booting worker with pid: \d+$/, 'message'));
    assert.notEqual(boot.pid, server.pid);
    assert.equal(boot.msg, undefined);
    assert.equal(line(server, /^Starting gunicorn-ts /, 'message')?.pid, server.pid);
  });

  it('logconfig: a pino transport (pino/file, in its worker thread) gets the arbiter\'s and the workers\' lines', async () => {
    const file = join(tmp.path, 'transport.log');
    tmp.write('transport.json', JSON.stringify({ transport: { target: 'pino/file', options: { destination: file } } }));
    const server = start(['-w', '1', '--log-config', join(tmp.path, 'transport.json')]);
    const read = (): LogLine[] => {
      try {
        return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LogLine);
      } catch {
        return [];
      }
    };
    const boot = await server.waitFor('a worker boot line in the transport file', () => read().find((l) => /^Booting worker with pid: \d+$/.test(l.msg ?? '')));
    assert.notEqual(boot.pid, server.pid);
    assert.equal(read().find((l) => /^Listening at: /.test(l.msg ?? ''))?.pid, server.pid);
  });

  it('logger_class: a Logger subclass is used by the arbiter and by every worker', async () => {
    const server = start(['-w', '1', '--logger-class', './logging/tagged-logger.ts:TaggedLogger', '--access-logfile', '-']);
    const boot = await server.waitForLog(/^\[tagged worker\] Booting worker with pid: \d+$/);
    assert.notEqual(boot.pid, server.pid);
    assert.equal((await server.waitForLog(/^\[tagged arbiter\] Listening at: /)).pid, server.pid);
    const url = /Listening at: (\S+)/.exec(line(server, /Listening at:/)!.msg!)![1]!;
    await get(`${url}/health`);
    await get(`${url}/seen`);
    await server.waitFor('the /seen access line', () => server.stdout.includes('GET /seen '));
    assert.ok(!server.stdout.includes('GET /health '), 'the subclass dropped /health');
  });

  it('a logger_class that is not a Logger stops startup with a clear message', async () => {
    const server = start(['--logger-class', './logging/app.ts:app']);
    const { code } = await server.exited;
    assert.notEqual(code, 0);
    assert.match(server.stderr, /logger_class: .*must be a class extending Logger/);
    assert.doesNotMatch(server.stderr, /\n\s+at /, 'no stack trace');
  });
});
