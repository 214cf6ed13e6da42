// Syslog and statsd through the real binary. Syslog goes to a real rsyslogd
// (Debian's package, started here with a temporary config: UDP input on 127.0.0.1, a file
// output whose template shows facility, severity and tag); statsd to a UDP listener here.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dir = makeTempDir('gts-telemetry-');
const servers: ServerProcess[] = [];
const daemons: ChildProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const d of daemons) d.kill('SIGKILL');
  dir.remove();
});

const APP = 'logging/app.ts:app';
const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p)) ?? 'rsyslogd';

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    http.get(url, { agent: false }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0))).on('error', () => resolve(0));
  });
}

async function until<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A UDP port free right now on 127.0.0.1 (rsyslog cannot report an ephemeral one). */
async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const { port } = sock.address();
  await new Promise<void>((r) => sock.close(() => r()));
  return port;
}

/** Starts rsyslogd in the foreground and waits until a probe message reaches its file. */
async function startRsyslog(): Promise<{ port: number; out: string }> {
  const port = await freeUdpPort();
  const out = join(dir.path, 'syslog.out');
  const conf = dir.write('rsyslog.conf', [
    `global(workDirectory="${dir.path}")`,
    'module(load="imudp")',
    `input(type="imudp" address="127.0.0.1" port="${port}")`,
    'template(name="shown" type="string" string="%syslogfacility-text%|%syslogseverity-text%|%syslogtag%|%msg%\\n")',
    `*.* action(type="omfile" file="${out}" template="shown")`,
  ].join('\n'));
  const daemon = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(dir.path, 'rsyslog.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  daemons.push(daemon);
  let stderr = '';
  daemon.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  daemon.once('error', (err) => { stderr += `cannot start ${RSYSLOGD}: ${err.message} (apt-get install rsyslog)`; });
  const probe = dgram.createSocket('udp4');
  try {
    await until(`rsyslogd to receive a probe (stderr: ${stderr})`, () => {
      probe.send('<14>probe: ready', port, '127.0.0.1');
      return existsSync(out) && readFileSync(out, 'utf8').includes('ready') ? true : undefined;
    });
  } finally {
    probe.close();
  }
  return { port, out };
}

describe('syslog and statsd through the binary', () => {
  it('error-log and access lines reach rsyslog with the facility, severity and tag', async () => {
    const { port, out } = await startRsyslog();
    const server = startGunicorn(['-b', '127.0.0.1:0', '-w', '1', '--log-syslog', '--log-syslog-to', `udp://127.0.0.1:${port}`,
      '--log-syslog-prefix', 'api', '--log-syslog-facility', 'local3', APP]);
    servers.push(server);
    const [url] = await server.listening();
    await server.waitFor('a booted worker', () => server.bootedPids().length >= 1);
    const worker = server.bootedPids()[0]!;
    await get(`${url}/via-syslog?n=1`);
    await get(`${url}/throw`);
    const lines = (): string[] => readFileSync(out, 'utf8').split('\n');
    const find = (re: RegExp): string | undefined => lines().find((l) => re.test(l));
    const master = await until('the arbiter\'s Listening line', () => find(/Listening at: /));
    assert.equal(master, `local3|info|gunicorn-ts.api[${server.pid}]:|${master.split('|')[3]}`);
    assert.match(master.split('|')[3]!, /^ ?Listening at: http:\/\/127\.0\.0\.1:\d+ \(\d+\)$/);
    const boot = await until('the worker\'s boot line', () => find(/Booting worker with pid/));
    assert.match(boot, new RegExp(`^local3\\|info\\|gunicorn-ts\\.api\\[${worker}\\]:\\| ?Booting worker with pid: ${worker}`));
    const access = await until('the access line', () => find(/via-syslog/));
    assert.match(access, new RegExp(`^local3\\|info\\|gunicorn-ts\\.api\\[${worker}\\]:\\| ?127\\.0\\.0\\.1 - - \\[.*\\] "GET /via-syslog\\?n=1 HTTP/1\\.1" 200 `));
    const failure = await until('the worker\'s error line', () => find(/fixture failure/));
    assert.match(failure, new RegExp(`^local3\\|err\\|gunicorn-ts\\.api\\[${worker}\\]:\\|`));
  });

  it('statsd: request metrics from workers, gauge and lifecycle metrics from the arbiter', async () => {
    const received: string[] = [];
    const sock = dgram.createSocket('udp4');
    sock.on('message', (m) => received.push(...m.toString().split('\n').filter((l) => l !== '')));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    try {
      const server = startGunicorn(['-b', '127.0.0.1:0', '-w', '1', '--max-requests', '3', '--wait-for-new-workers',
        '--statsd-host', `127.0.0.1:${sock.address().port}`, '--statsd-prefix', 'app', APP]);
      servers.push(server);
      const [url] = await server.listening();
      await server.waitFor('a booted worker', () => server.bootedPids().length >= 1);
      for (let i = 0; i < 3; i++) assert.equal(await get(`${url}/`), 200);
      // Three requests make the worker tired: a replacement boots, then the old one retires.
      await server.waitFor('a replacement worker', () => server.bootedPids().length >= 2);
      const has = (re: RegExp): boolean => received.some((l) => re.test(l));
      const expected = [
        /^app\.requests:1\|c$/, /^app\.request\.duration:\d+(\.\d+)?\|ms$/, /^app\.request\.status\.200:1\|c$/,
        /^app\.workers:\d+\|g$/, /^app\.workers\.booted:1\|c$/, /^app\.workers\.retired\.max_requests:1\|c$/,
        /^app\.workers\.replacement_duration:\d+(\.\d+)?\|ms$/,
      ];
      await until(`every metric (got ${received.join(' ')})`, () => (expected.every(has) ? true : undefined));
      assert.equal(received.filter((l) => l.startsWith('app.requests:')).length, 3);
      assert.ok(received.filter((l) => l === 'app.workers.booted:1|c').length >= 2);
    } finally {
      sock.close();
    }
  });
});
