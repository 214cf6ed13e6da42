// gunicorn-ts-debian against real processes: two instances from a temporary config dir,
// served over unix sockets, reloaded, reported and stopped; an invalid file starts nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isLiveGunicorn } from '../../src/arbiter/pidfile.js';
import { FIXTURES } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { childrenOf, getViaSocket, killInstances, readPid, runDebian, waitUntil } from '../helpers/debian.js';

const tmp = makeTempDir('gts-debian-');
const confDir = join(tmp.path, 'gunicorn.d');
const runDir = join(tmp.path, 'run');
const logDir = join(tmp.path, 'log');
const sock = (name: string): string => join(tmp.path, `${name}.sock`);
const dirs = ['--config-dir', confDir, '--run-dir', runDir, '--log-dir', logDir];
const started = new Set<number>();
const debian = (...args: string[]): ReturnType<typeof runDebian> => runDebian([...dirs, ...args], tmp.path);
const appDir = join(FIXTURES, 'cli');

before(() => {
  tmp.write('gunicorn.d/one.conf.ts', `export default { app: 'hello.ts:app', chdir: ${JSON.stringify(appDir)}, bind: [${JSON.stringify(`unix:${sock('one')}`)}], workers: 2 };\n`);
  tmp.write('gunicorn.d/two.json', JSON.stringify({ app: 'hello.ts:app', chdir: appDir, bind: [`unix:${sock('two')}`], workers: 1, raw_env: ['TWO=1'] }));
});

after(() => {
  killInstances(runDir, started);
  tmp.remove();
});

describe('gunicorn-ts-debian', () => {
  it('starts nothing when one instance file is invalid, naming the file and the setting', async () => {
    const bad = tmp.write('gunicorn.d/bad.json', JSON.stringify({ app: 'hello.ts:app', workers: 'many', pidfile: '/tmp/x.pid' }));
    try {
      const r = await debian('start');
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /1 of 3 instance files invalid; nothing was started/);
      assert.ok(r.stderr.includes(`bad (${bad})`), r.stderr);
      assert.match(r.stderr, /pidfile: not allowed in an instance file/);
      assert.equal(existsSync(join(runDir, 'one.pid')) || existsSync(sock('one')) || existsSync(sock('two')), false);
    } finally {
      rmSync(bad);
    }
  });

  it('starts both instances as daemons with pidfiles and logs, serving real requests', async () => {
    const r = await debian('start');
    for (const name of ['one', 'two']) {
      const pid = readPid(join(runDir, `${name}.pid`));
      if (pid !== undefined) started.add(pid);
    }
    assert.equal(r.code, 0, r.stderr);
    for (const name of ['one', 'two']) {
      const pid = readPid(join(runDir, `${name}.pid`));
      assert.ok(pid !== undefined && isLiveGunicorn(pid), `${name}.pid names a live master`);
      assert.ok(r.stdout.includes(`${name}: started (pid ${pid})`), r.stdout);
      assert.ok(existsSync(join(logDir, `${name}.log`)), `${name}.log exists`);
      const res = await getViaSocket(sock(name), `/from-${name}`);
      assert.equal(res.status, 200);
      assert.match(res.body, new RegExp(`^hello from \\d+ /from-${name}`));
    }
    assert.match(readFileSync(join(logDir, 'one.log'), 'utf8'), /Listening at: .*one\.sock/);
  });

  it('reports each instance running', async () => {
    const r = await debian('status');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^one: running \(pid \d+\)\ntwo: running \(pid \d+\)\n$/);
  });

  it('start again leaves running instances alone', async () => {
    const r = await debian('start', 'two');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^two: already running \(pid \d+\)$/m);
  });

  it('reload replaces the workers of the named instance only', async () => {
    const one = readPid(join(runDir, 'one.pid'))!;
    const two = readPid(join(runDir, 'two.pid'))!;
    const oneBefore = await waitUntil('2 workers of one', () => childrenOf(one).length === 2 && childrenOf(one));
    const twoBefore = childrenOf(two);
    assert.equal(twoBefore.length, 1);
    const r = await debian('reload', 'one');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^one: reloading \\(sent SIGHUP to pid ${one}\\)`));
    const oneAfter = await waitUntil('one\'s workers replaced', () => {
      const now = childrenOf(one);
      return now.length === 2 && now.every((p) => !oneBefore.includes(p)) && now;
    });
    assert.equal(readPid(join(runDir, 'one.pid')), one, 'same master');
    assert.deepEqual(childrenOf(two), twoBefore, 'two untouched');
    const res = await getViaSocket(sock('one'), '/after-reload');
    assert.equal(res.status, 200);
    assert.ok(oneAfter.includes(Number(res.body.split(' ')[2])), `served by a new worker: ${res.body}`);
  });

  it('reload of a stopped instance fails', async () => {
    tmp.write('gunicorn.d/three.json', JSON.stringify({ app: 'hello.ts:app', chdir: appDir, bind: [`unix:${sock('three')}`] }));
    try {
      const r = await debian('reload', 'three');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /three: not reloaded: stopped/);
      const s = await debian('status');
      assert.equal(s.code, 3);
      assert.match(s.stdout, /^three: stopped$/m);
    } finally {
      rmSync(join(confDir, 'three.json'));
    }
  });

  it('stop terminates every instance and removes the pidfiles', async () => {
    const pids = ['one', 'two'].map((n) => readPid(join(runDir, `${n}.pid`))!);
    const r = await debian('stop');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^one: stopped \\(pid ${pids[0]}\\)\ntwo: stopped \\(pid ${pids[1]}\\)\n$`));
    for (const pid of pids) assert.equal(isLiveGunicorn(pid), false);
    assert.equal(existsSync(join(runDir, 'one.pid')) || existsSync(join(runDir, 'two.pid')), false);
    const s = await debian('status');
    assert.equal(s.code, 3);
    assert.equal(s.stdout, 'one: stopped\ntwo: stopped\n');
  });

  it('stop removes a stale pidfile and reports it', async () => {
    const stale = tmp.write('run/ghost.pid', '999999\n');
    const r = await debian('stop', 'ghost');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ghost: not running \(removed stale pidfile naming pid 999999\)/);
    assert.equal(existsSync(stale), false);
  });
});
