// --check-config and a real start must never disagree: every case runs both ways through the
// real binary. A bad case fails both ways with exit 1 and the very same message, before
// anything is bound (no "Listening at", no pidfile); a good case passes --check-config and
// then serves a request (Node's fetch as the client).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, runGunicorn, startGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { reusePortSupported } from '../../src/node-features.js';

const dir = makeTempDir('gts-preflight-');
after(() => dir.remove());
mkdirSync(join(dir.path, 'a-directory'));
writeFileSync(join(dir.path, 'a-file'), '');
const APP = 'cli/hello.ts:app';
const BIND = ['-w', '1', '-b', '127.0.0.1:0'];

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Lines the shared error must contain (one per problem); omitted for a case that starts. */
  readonly problems?: readonly RegExp[];
}

const CASES: readonly Case[] = [
  // The ones the issue measured on main.
  { name: 'error log in a missing directory', args: ['--error-logfile', '/no/dir/e.log', APP], problems: [/^ {2}errorlog: "\/no\/dir\/e\.log" from command line: .*\/no\/dir does not exist$/m] },
  { name: 'access log in a missing directory', args: ['--access-logfile', '/no/dir/a.log', APP], problems: [/^ {2}accesslog: .*\/no\/dir does not exist$/m] },
  { name: 'pidfile in a missing directory (named as the pidfile)', args: ['--pid', '/no/dir/x.pid', APP], problems: [/^ {2}pidfile: "\/no\/dir\/x\.pid" from command line: cannot write the pidfile/m] },
  { name: 'missing worker class module', args: ['-k', './missing.ts:Worker', APP], problems: [/^ {2}worker_class: "\.\/missing\.ts:Worker" from command line: cannot find module/m] },
  { name: 'missing logger class module', args: ['--logger-class', './missing.ts:Logger', APP], problems: [/^ {2}logger_class: .*cannot load \.\/missing\.ts/m] },
  { name: 'unknown user', args: ['--user', 'no-such-user', APP], problems: [/^ {2}user: "no-such-user" from command line: unknown user/m] },
  { name: 'unknown group', args: ['--group', 'no-such-group', APP], problems: [/^ {2}group: "no-such-group" from command line: unknown group/m] },
  { name: 'log config file that does not exist', args: ['--log-config', 'logging.ini', APP], problems: [/^ {2}logconfig: "logging\.ini" from command line: cannot load logging\.ini/m] },
  { name: 'missing worker tmp dir', args: ['--worker-tmp-dir', '/no/dir', APP], problems: [/^ {2}worker_tmp_dir: "\/no\/dir" from command line: directory \/no\/dir does not exist/m] },
  { name: '--reload with --preload', args: ['--reload', '--preload', APP], problems: [/^ {2}reload: true from command line: cannot be combined with preload_app/m] },
  { name: 'no app given', args: [], problems: [/^ {2}app: null from default: no application given/m] },
  { name: 'mistyped subcommand', args: ['stauts'], problems: [/^ {2}app: "stauts" from command line: cannot find app module "stauts".*did you mean the subcommand `gunicorn-ts status`/m] },
  // More of our own.
  { name: 'missing app module', args: ['apps/no-such-app.ts:app'], problems: [/^ {2}app: .*cannot find app module "apps\/no-such-app\.ts"/m] },
  { name: 'chdir that does not exist', args: ['--chdir', '/no/dir', APP], problems: [/^ {2}chdir: "\/no\/dir" from command line: directory \/no\/dir does not exist/m] },
  { name: 'error log that is a directory', args: ['--error-logfile', join(dir.path, 'a-directory'), APP], problems: [/^ {2}errorlog: .*a-directory is a directory$/m] },
  { name: 'control socket in a missing directory', args: ['--control-socket', '/no/dir/ctl.sock', APP], problems: [/^ {2}control_socket: .*\/no\/dir does not exist/m] },
  { name: 'unparsable bind address', args: ['-w', '1', '-b', 'tcp://nowhere:notaport', APP], problems: [/^ {2}bind: "tcp:\/\/nowhere:notaport" from command line: /m] },
  { name: 'Unix socket bind in a missing directory', args: ['-b', 'unix:/no/dir/app.sock', APP], problems: [/^ {2}bind: "unix:\/no\/dir\/app\.sock" from command line: cannot create the socket: its directory \/no\/dir does not exist$/m] },
  { name: 'Unix socket bind whose directory is a file', args: ['-b', `unix:${join(dir.path, 'a-file', 'app.sock')}`, APP], problems: [/^ {2}bind: .*a-file is not a directory$/m] },
  { name: 'statsd host with a bad port', args: ['--statsd-host', 'localhost:99999', APP], problems: [/^ {2}statsd_host: "localhost:99999" from command line: /m] },
  { name: 'TLS certificate that does not exist', args: ['--certfile', '/no/dir/cert.pem', '--keyfile', '/no/dir/key.pem', APP], problems: [/^ {2}(certfile|keyfile): .*\/no\/dir/m] },
  { name: 'metrics on an app address', args: ['-b', '127.0.0.1:18123', '--metrics-bind', '127.0.0.1:18123', APP], problems: [/^ {2}metrics_bind: /m] },
  {
    name: 'every problem at once, in one report',
    args: ['--error-logfile', '/no/dir/e.log', '--pid', '/no/dir/x.pid', '-u', 'no-such-user', '--reload', '--preload', 'apps/no-such-app.ts'],
    problems: [/^ {2}app: /m, /^ {2}reload: /m, /^ {2}errorlog: /m, /^ {2}pidfile: /m, /^ {2}user: /m, /invalid configuration \(5 errors\)/],
  },
  // Good configurations: both ways succeed.
  { name: 'a plain good start', args: [APP] },
  { name: 'a Unix socket bind in a directory that exists', args: ['-b', `unix:${join(dir.path, 'ok.sock')}`, APP] },
  { name: 'an access log and a pidfile in a directory that exists', args: ['--access-logfile', join(dir.path, 'a.log'), '--pid', join(dir.path, 'ok.pid'), APP] },
];

/** The real start of a good case: it must serve; then it is stopped. */
async function startsAndServes(args: readonly string[]): Promise<void> {
  const server = startGunicorn([...BIND, ...args], { cwd: FIXTURES });
  try {
    const [url] = await server.listening();
    assert.equal((await fetch(url!)).status, 200);
  } finally {
    await server.stop();
  }
}

describe('--check-config and a real start agree', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const checked = await runGunicorn(['--check-config', ...BIND, ...c.args], { cwd: FIXTURES });
      if (c.problems === undefined) {
        assert.equal(checked.code, 0, checked.stderr);
        assert.match(checked.stdout, /^Config OK/);
        await startsAndServes(c.args);
        return;
      }
      const pidfile = c.args.includes('--pid') ? c.args[c.args.indexOf('--pid') + 1]! : null;
      const started = await runGunicorn([...BIND, ...c.args], { cwd: FIXTURES });
      assert.equal(checked.code, 1, checked.stderr);
      assert.equal(started.code, 1, started.stderr);
      assert.equal(started.stderr, checked.stderr, 'the same message both ways');
      for (const problem of c.problems) assert.match(checked.stderr, problem);
      assert.doesNotMatch(started.stderr, /Listening at|Booting worker|\n\s+at /);
      if (pidfile !== null) assert.equal(existsSync(pidfile), false);
    });
  }
});

describe('what a start accepts but cannot honour is said by --check-config and a start alike', () => {
  it('threads, ssl_context without TLS, and reuse_port on a Node without SO_REUSEPORT', async () => {
    const conf = join(dir.path, 'tls-hook.conf.mjs');
    writeFileSync(conf, 'export const ssl_context = (config, defaults) => defaults();\n');
    const args = ['-c', conf, '--threads', '4', '--reuse-port', APP];
    const warnings = [
      /^gunicorn-ts: warning: threads 4: a Node worker has one JavaScript thread/m,
      /^gunicorn-ts: warning: ssl_context is only called when TLS is on/m,
    ];
    const reusePort = /^gunicorn-ts: warning: reuse_port needs Node\.js 22\.12/m;
    const checked = await runGunicorn(['--check-config', ...BIND, ...args], { cwd: FIXTURES });
    assert.equal(checked.code, 0, checked.stderr);
    const server = startGunicorn([...BIND, ...args], { cwd: FIXTURES });
    try {
      await server.listening();
      for (const run of [checked.stderr, server.stderr]) {
        for (const warning of warnings) assert.match(run, warning);
        if (reusePortSupported) assert.doesNotMatch(run, reusePort);
        else assert.match(run, reusePort);
      }
    } finally {
      await server.stop();
    }
  });
});
