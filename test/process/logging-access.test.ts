// The access log through the real binary: Gunicorn's default format written by
// the worker that served each request, `-` meaning stdout, the atoms computed in the worker,
// USR1 rotation under load with every request in exactly one file, and capture_output.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dir = makeTempDir('gts-access-');
const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  dir.remove();
});

const APP = 'logging/app.ts:app';

function start(args: readonly string[], env: NodeJS.ProcessEnv = {}): ServerProcess {
  const server = startGunicorn(['-b', '127.0.0.1:0', ...args, APP], { env });
  servers.push(server);
  return server;
}

function get(url: string, headers: Record<string, string> = {}, agent?: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, ...(agent ? { agent } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve(body));
    }).on('error', reject);
  });
}

const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');

/** Polls a file until `re` matches `count` times; returns the matches' first groups. */
async function waitForFile(path: string, re: RegExp, count = 1, ms = 15_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = [...read(path).matchAll(new RegExp(re, 'gm'))].map((m) => m[1] ?? m[0]);
    if (found.length >= count) return found;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${count}× ${re} in ${path}:\n${read(path).slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for `workers` booted workers and returns the URL (from a log file or stderr). */
async function ready(server: ServerProcess, workers: number, errorlog?: string): Promise<string> {
  if (errorlog === undefined) {
    await server.waitFor(`${workers} booted workers`, () => server.bootedPids().length >= workers);
    return (await server.listening())[0]!;
  }
  await waitForFile(errorlog, /Booting worker with pid: (\d+)/, workers);
  return (await waitForFile(errorlog, /Listening at: (\S+)/))[0]!;
}

describe('access log through the binary', () => {
  it('writes Gunicorn\'s default format to stdout with `-`, one line per request, by the serving worker', async () => {
    const server = start(['-w', '2', '--access-logfile', '-']);
    const url = await ready(server, 2);
    await get(`${url}/hello?x=1`, { referer: 'http://ref.example/', 'user-agent': 'access-test/1.0' });
    const line = await server.waitFor('an access line on stdout', () => server.stdout.split('\n').find((l) => l.includes('/hello?x=1')));
    assert.match(line, /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/hello\?x=1 HTTP\/1\.1" 200 11 "http:\/\/ref\.example\/" "access-test\/1\.0"$/);
    // No access line from the arbiter, and none on stderr.
    assert.equal(server.stdout.split('\n').filter((l) => l.includes('/hello?x=1')).length, 1);
    assert.ok(!server.stderr.includes('/hello?x=1'));
  });

  it('fills every worker-side atom of a custom access_log_format', async () => {
    const access = join(dir.path, 'atoms.log');
    const format = '%(m)s|%(U)s|%(q)s|%(H)s|%(s)s|%(b)s|%(B)s|%({X-Req}i)s|%({content-type}o)s|%(p)s|%({GTS_ATOM}e)s|%(u)s|%(l)s|%(T)s|%(M)s|%(D)s|%(L)s|%%';
    const server = start(['-w', '1', '--access-logfile', access, '--access-logformat', format], { GTS_ATOM: 'env-value' });
    const url = await ready(server, 1);
    const pid = server.bootedPids()[0]!;
    await get(`${url}/a/b?k=v&n=2`, { 'x-req': 'rid-7', authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` });
    const [line] = await waitForFile(access, /^(GET\|.*)$/);
    const f = line!.split('|');
    assert.deepEqual(f.slice(0, 13), ['GET', '/a/b', 'k=v&n=2', 'HTTP/1.1', '200', '15', '15', 'rid-7', 'text/plain', `<${pid}>`, 'env-value', 'alice', '-']);
    assert.match(f.slice(13, 17).join('|'), /^\d+\|\d+\|\d+\|\d+\.\d{6}$/);
    assert.equal(f[17], '%');
  });

  it('USR1 after moving both files: old and new access logs hold every request exactly once', async () => {
    const access = join(dir.path, 'access.log');
    const errors = join(dir.path, 'error.log');
    const server = start(['-w', '2', '--access-logfile', access, '--error-logfile', errors, '--keep-alive', '5']);
    const url = await ready(server, 2, errors);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    let next = 0;
    let limit = 150;
    const load = async (): Promise<void> => {
      while (next < limit) await get(`${url}/?id=${next++}`, {}, agent);
    };
    let loaders = [load(), load(), load(), load()];
    await Promise.all(loaders);
    renameSync(access, `${access}.1`);
    renameSync(errors, `${errors}.1`);
    limit = 400;
    loaders = [load(), load(), load(), load()];
    server.signal('SIGUSR1');
    await Promise.all(loaders);
    // Keep loading (bounded) until the workers' reopened file receives lines.
    for (let round = 0; round < 50 && !/id=/.test(read(access)); round++) {
      limit += 10;
      await load();
      await new Promise((r) => setTimeout(r, 50));
    }
    const total = limit;
    agent.destroy();
    server.signal('SIGTERM');
    await server.exited;

    const ids = (text: string): number[] => [...text.matchAll(/GET \/\?id=(\d+) /g)].map((m) => Number(m[1]));
    const oldIds = ids(read(`${access}.1`));
    const newIds = ids(read(access));
    // Lines gathered in a worker's batch when the signal arrives are written to the moved file.
    assert.ok(oldIds.length >= 150, 'the moved file has every line of the requests before the move');
    assert.ok(newIds.length > 0, 'new file has the requests after the signal');
    const all = [...oldIds, ...newIds].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: total }, (_, i) => i), 'every request exactly once across both files');
    assert.match(read(`${errors}.1`), /Starting gunicorn-ts/);
    assert.match(read(errors), /Shutting down: Master/);
  });

  it('capture_output sends a worker\'s stdout and stderr to the error log file', async () => {
    const errors = join(dir.path, 'captured.log');
    const server = start(['-w', '1', '--error-logfile', errors, '--capture-output']);
    const url = await ready(server, 1, errors);
    await get(`${url}/print?tag=t42`);
    await waitForFile(errors, /app stdout line t42/);
    await waitForFile(errors, /app stderr line t42/);
    const [workerPid] = await waitForFile(errors, /Booting worker with pid: (\d+)/);
    const lines = read(errors).split('\n').filter((l) => l.includes('t42')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 2, 'each captured line once, as a JSON log line');
    for (const l of lines) {
      assert.equal(l['worker_pid'], Number(workerPid));
      assert.equal(l['captured'], true);
    }
  });
});
