// umask as Gunicorn has it, through the real binary: the arbiter and its workers keep the
// caller's umask, so under 022 log files and the pidfile are 0644 (whatever `umask` says);
// `umask` applies to the Unix socket file the server binds; a daemon uses 0022 even when
// started under 000. Modes are read with fs.statSync and the workers' umask from /proc.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, isAlive, runGunicorn, startGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { Tracked, waitUntil, workersOf } from './arbiter-support.js';

const dir = makeTempDir('gts-umask-');
const tracked = new Tracked();
let callerUmask = 0;
before(() => (callerUmask = process.umask(0o022)));
after(async () => {
  await tracked.cleanup();
  process.umask(callerUmask);
  dir.remove();
});

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

function umaskOf(pid: number): string {
  return /^Umask:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
}

describe('umask', () => {
  it('log files and the pidfile are 0644 under umask 022, even with --umask 0; the socket file follows --umask', async () => {
    const files = { error: join(dir.path, 'error.log'), access: join(dir.path, 'access.log'), pid: join(dir.path, 'g.pid') };
    const sock = join(dir.path, 'app.sock');
    const server = startGunicorn([
      '-w', '1', '-b', `unix:${sock}`, '--umask', '0o007', '--error-logfile', files.error,
      '--access-logfile', files.access, '--pid', files.pid, 'cli/hello.ts:app',
    ], { cwd: FIXTURES });
    tracked.pid(server.pid);
    try {
      const [worker] = await workersOf(server.pid, 1);
      await waitUntil('the worker to log its boot', () => readFileSync(files.error, 'utf8').includes('Booting worker'));
      assert.deepEqual([mode(files.error), mode(files.access), mode(files.pid)], ['0644', '0644', '0644']);
      assert.equal(mode(sock), '0770', 'the socket file is created under --umask 007');
      assert.equal(umaskOf(server.pid), '0022', 'the arbiter keeps the caller\'s umask');
      assert.equal(umaskOf(worker!), '0022', 'so does the worker');
    } finally {
      await server.stop();
    }
  });

  it('a daemonized master uses 0022 even when started under umask 000', async () => {
    const log = join(dir.path, 'daemon.log');
    const pidfile = join(dir.path, 'daemon.pid');
    process.umask(0);
    let run: Awaited<ReturnType<typeof runGunicorn>>;
    try {
      run = await runGunicorn(['-D', '-w', '1', '-b', '127.0.0.1:0', '-p', pidfile, '--error-logfile', log, 'cli/hello.ts:app'], { cwd: FIXTURES });
    } finally {
      process.umask(0o022);
    }
    assert.equal(run.code, 0, run.stderr);
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    tracked.pid(pid);
    assert.deepEqual([mode(log), mode(pidfile), umaskOf(pid)], ['0644', '0644', '0022']);
    process.kill(pid, 'SIGTERM');
    await waitUntil('the daemon to exit', () => !isAlive(pid));
  });
});
