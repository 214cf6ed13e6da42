// Syslog against real receivers on this machine: UDP, TCP and Unix stream listeners in
// this process, a Unix datagram socket bound by a python3 child. Checks PRI (facility and
// severity), tag and message; and that a TCP receiver going away never crashes us.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../src/log/logger.js';
import { DEFAULTS as DEFAULT_LOG_SETTINGS } from '../helpers/defaults.js';
import { makeRequest, makeResponse } from '../helpers/http-objects.js';
import type { LogSettings } from '../../src/log/types.js';

const dir = mkdtempSync(join(tmpdir(), 'gts-syslog-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const who = { role: 'worker' as const, pid: 4321, workerId: 1, generation: 1 };
const LOCAL3 = 19;

function settings(addr: string, over: Partial<LogSettings> = {}): LogSettings {
  return {
    ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'error.log'), log_format: 'json',
    syslog: true, syslog_addr: addr, syslog_facility: 'local3', syslog_prefix: 'api',
    access_log_format: '%(m)s %(U)s %(s)s', ...over,
  };
}

/** Polls until `ok()` holds; a deadline, not a timing assertion. */
async function waitFor(ok: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function accessRecord(): Parameters<Logger['access']>[0] {
  const req = makeRequest({ url: '/ping' });
  const res = makeResponse(req, { statusCode: 204 });
  return { req, res, startedMs: Date.now(), durationMs: 0.000001, responseBytes: 0 };
}

/** Logs an error and an access line, then checks both arrived with the right PRI and tag. */
async function exchange(addr: string, received: string[]): Promise<void> {
  const log = new Logger(settings(addr), who);
  try {
    log.error('boom');
    log.access(accessRecord());
    await waitFor(() => received.length >= 2, `2 syslog messages at ${addr}`);
  } finally {
    await log.close();
  }
  const err = received.find((m) => m.includes('boom')) ?? '';
  const acc = received.find((m) => m.includes('GET /ping')) ?? '';
  assert.match(err, new RegExp(`^<${LOCAL3 * 8 + 3}>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d .*gunicorn-ts\\.api\\[4321\\]: boom`));
  assert.match(acc, new RegExp(`^<${LOCAL3 * 8 + 6}>.*gunicorn-ts\\.api\\[4321\\]: GET /ping 204$`));
}

function streamServer(received: string[]): net.Server {
  return net.createServer((c) => {
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      received.push(...parts);
    });
    c.on('error', () => {});
  });
}

describe('syslog', () => {
  it('UDP: facility, severity, tag and message', async () => {
    const received: string[] = [];
    const sock = dgram.createSocket('udp4');
    sock.on('message', (m) => received.push(m.toString().trimEnd()));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    try {
      await exchange(`udp://127.0.0.1:${sock.address().port}`, received);
    } finally {
      sock.close();
    }
  });

  it('TCP: newline-framed messages', async () => {
    const received: string[] = [];
    const server = streamServer(received);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await exchange(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`, received);
    } finally {
      server.close();
    }
  });

  it('disable_redirect_access_to_syslog keeps access lines out, error lines still arrive', async () => {
    const received: string[] = [];
    const server = streamServer(received);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const log = new Logger(settings(addr, { disable_redirect_access_to_syslog: true }), who);
    try {
      log.error('before');
      log.access(accessRecord());
      log.error('after');
      // One TCP stream keeps order: once 'after' arrived, an access line would have too.
      await waitFor(() => received.some((m) => m.includes('after')), 'the second error line');
    } finally {
      await log.close();
      server.close();
    }
    assert.ok(received.some((m) => m.includes('before')));
    assert.equal(received.filter((m) => m.includes('GET /ping')).length, 0, received.join('\n'));
  });

  it('Unix stream socket', async () => {
    const received: string[] = [];
    const path = join(dir, 'stream.sock');
    const server = streamServer(received);
    await new Promise<void>((r) => server.listen(path, r));
    try {
      await exchange(`unix://${path}#stream`, received);
    } finally {
      server.close();
    }
  });

  it('Unix datagram socket (received by a python3 child)', async () => {
    const path = join(dir, 'dgram.sock');
    const py = 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\n' +
      'print("ready",flush=True)\nwhile True:\n  print(s.recv(65536).decode(),flush=True)\n';
    const child = spawn('python3', ['-c', py, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const received: string[] = [];
    let ready = false;
    child.stdout.on('data', (d: Buffer) => {
      for (const l of d.toString().split('\n').filter((x) => x !== '')) {
        if (l === 'ready') ready = true;
        else received.push(l);
      }
    });
    try {
      await waitFor(() => ready, 'the python3 receiver');
      await exchange(`unix://${path}#dgram`, received);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a TCP receiver that goes away never crashes the process', async () => {
    const received: string[] = [];
    const conns = new Set<net.Socket>();
    const server = streamServer(received);
    server.on('connection', (c) => conns.add(c));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const log = new Logger(settings(`tcp://127.0.0.1:${port}`), who, { syslogTcpTimeout: 100 });
    const crashes: unknown[] = [];
    const onCrash = (e: unknown): void => { crashes.push(e); };
    process.on('uncaughtException', onCrash);
    try {
      log.error('before');
      await waitFor(() => received.some((m) => m.includes('before')), 'the first message');
      // Idle past syslog-client's tcpTimeout: it emits 'error' on the client.
      await new Promise((r) => setTimeout(r, 300));
      server.close();
      for (const c of conns) c.destroy();
      await new Promise((r) => setTimeout(r, 100));
      log.error('after the receiver left');
      await new Promise((r) => setTimeout(r, 300));
      log.error('and again');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(crashes, []);
    } finally {
      process.off('uncaughtException', onCrash);
      await log.close();
    }
  });

  it('a syslog_addr Node cannot use is a clear error at startup', () => {
    assert.throws(() => new Logger(settings('unix:///dev/log#seqpacket'), who), /syslog_addr: unknown socket type/);
  });
});
