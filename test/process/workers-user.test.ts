// user/group through the real binary. As root: workers run with the requested uid, gid
// and supplementary groups (read from /proc/<pid>/status) and still serve; an unknown user
// stops startup with exit 1 before binding. Not as root: switching is refused with exit 1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { makeTempDir } from '../helpers/temp-dir.js';
import { FIXTURES, runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';

const IS_ROOT = process.getuid?.() === 0;
/** A throwaway user in a throwaway supplementary group, so initgroups has something to show. */
const USER = `gts${process.pid}`;
const EXTRA_GROUP = `gtsx${process.pid}`;

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function get(url: string): Promise<string> {
  return (await fetch(url)).text();
}

function status(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return out;
}

function idOf(db: 'passwd' | 'group', name: string, field = 2): number {
  return Number(execFileSync('getent', [db, name], { encoding: 'utf8' }).split(':')[field]);
}

async function serveAs(args: readonly string[]): Promise<{ server: ServerProcess; url: string; pid: number }> {
  const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', ...args, 'cli/hello.ts:app'], { cwd: FIXTURES });
  servers.push(server);
  const [url] = await server.listening();
  const pid = await server.waitFor('a booted worker', () => server.bootedPids()[0]);
  return { server, url: url!, pid };
}

describe('user and group', { concurrency: false }, () => {
  if (IS_ROOT) {
    before(() => {
      execFileSync('groupadd', [EXTRA_GROUP]);
      execFileSync('useradd', ['-M', '-N', '-g', 'nogroup', '-G', EXTRA_GROUP, '-s', '/usr/sbin/nologin', USER]);
    });
    after(() => {
      execFileSync('userdel', [USER]);
      execFileSync('groupdel', [EXTRA_GROUP]);
    });

    it('runs workers as a user given by name, with its supplementary groups (--initgroups); the umask stays the caller\'s', async () => {
      const { server, url, pid } = await serveAs(['-u', USER, '-g', 'nogroup', '--initgroups', '-m', '027']);
      try {
        const uid = idOf('passwd', USER);
        const gid = idOf('group', 'nogroup');
        const extra = idOf('group', EXTRA_GROUP);
        const st = status(pid);
        assert.equal(st['Uid'], `${uid}\t${uid}\t${uid}\t${uid}`);
        assert.equal(st['Gid'], `${gid}\t${gid}\t${gid}\t${gid}`);
        assert.deepEqual(st['Groups']!.split(/\s+/).map(Number).sort((a, b) => a - b), [extra, gid].sort((a, b) => a - b));
        // `umask` is for the socket files the server creates; the process keeps the caller's (Gunicorn's rule).
        assert.equal(st['Umask'], process.umask().toString(8).padStart(4, '0'));
        assert.match(await get(url), new RegExp(`^hello from ${pid} /`));
        assert.equal(status(server.pid)['Uid']!.split('\t')[0], '0', 'the arbiter stays root');
      } finally {
        await server.stop();
      }
    });

    it('without --initgroups a worker keeps only its one group: neither the user’s groups nor root’s', async () => {
      const { server, pid } = await serveAs(['-u', USER, '-g', 'nogroup']);
      try {
        assert.equal(status(pid)['Groups'], String(idOf('group', 'nogroup')));
      } finally {
        await server.stop();
      }
    });

    it('accepts numeric ids (nobody/nogroup) and drops root’s groups', async () => {
      const { server, url, pid } = await serveAs(['-u', '65534', '-g', '65534']);
      try {
        const st = status(pid);
        assert.equal(st['Uid']!.split('\t')[0], '65534');
        assert.equal(st['Gid']!.split('\t')[0], '65534');
        assert.equal(st['Groups'], '65534');
        assert.match(await get(url), /^hello from /);
      } finally {
        await server.stop();
      }
    });

    it('a config file only root can read (0600) with user = nobody: read once by the arbiter, its worker hooks run as nobody', async () => {
      const dir = makeTempDir('gts-root-conf-');
      try {
        const conf = dir.write('gunicorn.conf.mjs', [
          "export default { workers: 1, user: 'nobody', group: 'nogroup' };",
          "export const post_worker_init = (w) => w.log.info(`post_worker_init as uid ${process.getuid()}`);",
        ].join('\n'));
        chmodSync(conf, 0o600);
        chmodSync(dir.path, 0o700);
        assert.equal(statSync(conf).uid, 0);
        const { server, url, pid } = await serveAs(['-c', conf]);
        try {
          assert.equal(status(pid)['Uid']!.split('\t')[0], String(idOf('passwd', 'nobody')));
          assert.match(await get(url), /^hello from /);
          await server.waitFor('the hook line', () => server.lines.some((l) => l.msg === `post_worker_init as uid ${idOf('passwd', 'nobody')}`));
          assert.doesNotMatch(server.stderr, /EACCES/);
        } finally {
          await server.stop();
        }
      } finally {
        dir.remove();
      }
    });

    it('an unknown user stops startup with exit 1 and a clear error, before binding', async () => {
      const { code, stderr } = await runGunicorn(['-b', '127.0.0.1:0', '-u', 'no-such-user-gts', 'cli/hello.ts:app'], { cwd: FIXTURES });
      assert.equal(code, 1);
      assert.match(stderr, /user: "no-such-user-gts" from command line: unknown user "no-such-user-gts"/);
      assert.doesNotMatch(stderr, /Listening at|\n\s+at /);
    });

    it('an unknown group stops startup with exit 1', async () => {
      const { code, stderr } = await runGunicorn(['-b', '127.0.0.1:0', '-g', 'no-such-group-gts', 'cli/hello.ts:app'], { cwd: FIXTURES });
      assert.equal(code, 1);
      assert.match(stderr, /group: "no-such-group-gts" from command line: unknown group "no-such-group-gts"/);
    });
  } else {
    it('not root: switching user is refused with exit 1 and a clear error, before binding', async () => {
      const { code, stderr } = await runGunicorn(['-b', '127.0.0.1:0', '-u', 'nobody', 'cli/hello.ts:app'], { cwd: FIXTURES });
      assert.equal(code, 1);
      assert.match(stderr, /cannot run workers as user "nobody" .*needs the arbiter to run as root/);
      assert.doesNotMatch(stderr, /Listening at/);
    });
  }
});
