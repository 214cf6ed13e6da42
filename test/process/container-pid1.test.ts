// gunicorn-ts as PID 1 of a PID namespace (`unshare --pid --fork --mount-proc`, as in a
// container without an init): orphans the app leaves behind are reaped (tini takes PID 1),
// TERM drains and exits 0, INT exits quickly; without tini it says orphans will stay zombies.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { BIN, FIXTURES, ServerProcess, httpGet } from '../helpers/server.js';

const APP = `${FIXTURES}container/orphans.ts:app`;
const started: ServerProcess[] = [];
after(async () => {
  for (const server of started) await server.stop();
});

/**
 * The real binary as PID 1 of a new PID namespace; the ServerProcess is `unshare` itself,
 * which kills the namespace's PID 1 (and so everything in it) when it is killed.
 */
function startAsPid1(env: NodeJS.ProcessEnv = {}): ServerProcess {
  const child = spawn('/usr/bin/unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', process.execPath, BIN, '-b', '127.0.0.1:0', '-w', '2', APP], {
    cwd: FIXTURES,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const server = new ServerProcess(child);
  started.push(server);
  return server;
}

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly state: string;
}

function processTable(): Proc[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      return [{ pid: Number(d), ppid: Number(ppid), comm: stat.slice(stat.indexOf('(') + 1, close), state: state! }];
    } catch {
      return []; // exited while listed
    }
  });
}

/** Every process below `root`, as the host sees them. */
function descendants(root: number): Proc[] {
  const table = processTable();
  const found: Proc[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = table.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** The namespace's PID 1, as a host pid: the process `unshare --fork` started. */
const namespaceInit = (server: ServerProcess): number => descendants(server.pid).find((p) => p.ppid === server.pid)!.pid;

const get = httpGet;

describe('as PID 1 of a PID namespace', () => {
  it('reaps every orphan the app leaves behind: tini takes PID 1', async () => {
    const server = startAsPid1();
    const [url] = await server.listening();
    assert.ok(descendants(server.pid).some((p) => p.comm === 'tini'), 'tini runs in the namespace');
    for (let i = 0; i < 6; i++) assert.equal((await get(`${url}/spawn`)).status, 200);
    // Each orphaned sleep lasts 0.2 s; unreaped, it would stay a zombie for good.
    await server.waitFor('every orphaned sleep reaped', () => !descendants(server.pid).some((p) => p.comm === 'sleep'), 10_000);
    await server.stop();
  });

  it('without an init on PATH it warns, and the orphans do stay zombies', async () => {
    const server = startAsPid1({ PATH: '/nonexistent-gunicorn-ts-test' });
    const [url] = await server.listening();
    assert.match(server.stderr, /running as PID 1 without an init: orphaned processes .* will stay zombies/);
    for (let i = 0; i < 6; i++) await get(`${url}/spawn`);
    await server.waitFor('six zombie sleeps', () => descendants(server.pid).filter((p) => p.comm === 'sleep' && p.state === 'Z').length === 6, 10_000);
    await server.stop();
  });

  it('TERM (docker stop, Kubernetes) finishes the request in flight, then exits 0', async () => {
    const server = startAsPid1();
    const [url] = await server.listening();
    const slow = get(`${url}/slow?ms=1500`);
    await server.waitFor('the request reaching a worker', () => server.stderr.includes('slow request started'));
    process.kill(namespaceInit(server), 'SIGTERM');
    assert.deepEqual(await slow, { status: 200, body: 'slow done\n' });
    assert.deepEqual(await server.exited, { code: 0, signal: null });
  });

  it('INT stops at once, without waiting for graceful_timeout', async () => {
    const server = startAsPid1();
    const [url] = await server.listening();
    const slow = get(`${url}/slow?ms=60000`).then(() => 'answered', () => 'cut');
    await server.waitFor('the request reaching a worker', () => server.stderr.includes('slow request started'));
    const sent = Date.now();
    process.kill(namespaceInit(server), 'SIGINT');
    const exit = await server.exited;
    // A generous bound: graceful_timeout is 30 s and the request would take 60 s.
    assert.ok(Date.now() - sent < 10_000, `exited ${Date.now() - sent} ms after INT`);
    assert.equal(await slow, 'cut');
    assert.notEqual(exit.code, null);
  });
});
