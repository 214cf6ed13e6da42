// --reload through the real binary: editing the app file, a module it imports, or a
// reload_extra_files file (literal or glob) replaces the workers, and the new code answers;
// one `touch` is one reload; log files in the app's folder never reload; --reload with
// --preload is refused.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir.js';
import { runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';

const servers: ServerProcess[] = [];
const dir = makeTempDir('gunicorn-ts-reload-');
/** Outside the app's tree: only reload_extra_files makes its changes count. */
const extra = makeTempDir('gunicorn-ts-reload-extra-');
after(async () => {
  for (const s of servers) await s.stop();
  dir.remove();
  extra.remove();
});

async function get(url: string): Promise<string> {
  return (await fetch(url)).text();
}

function appSource(version: string): string {
  return `import { readFileSync } from 'node:fs';
import { suffix } from './lib/suffix';
const data = readFileSync(process.env['GTS_DATA_FILE']!, 'utf8').trim();
export const app = (_req: unknown, res: { end(s: string): void }): void => res.end('${version}' + suffix + ' ' + data);
`;
}

/** Polls until the body equals `want`; the server's own waitFor bounds the wait. */
async function until(server: ServerProcess, url: string, want: string): Promise<void> {
  let last = '';
  const poll = async (): Promise<void> => {
    for (;;) {
      last = await get(url).catch((e: Error) => e.message);
      if (last === want) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  let done = false;
  void poll().then(() => { done = true; });
  await server.waitFor(`the body ${JSON.stringify(want)} (last: ${JSON.stringify(last)})`, () => done, 20_000);
}

describe('reload', () => {
  it('replaces the workers when the app, an imported module or an extra file changes', async () => {
    dir.write('app.ts', appSource('v1'));
    dir.write('lib/suffix.ts', "export const suffix = '-a';\n");
    const data = extra.write('data.txt', 'd1\n');
    const args = ['-w', '2', '-b', '127.0.0.1:0', '--reload', '--reload-extra-file', data, '-e', `GTS_DATA_FILE=${data}`, 'app.ts:app'];
    const server = startGunicorn(args, { cwd: dir.path });
    servers.push(server);
    try {
      const [url] = await server.listening();
      await server.waitForLog(/^Watching for changes: /);
      await until(server, url!, 'v1-a d1');
      const firstPids = server.bootedPids();

      dir.write('app.ts', appSource('v2'));
      await until(server, url!, 'v2-a d1');
      assert.ok(server.logCount(/^Reloading: .*app\.ts changed$/) >= 1);

      dir.write('lib/suffix.ts', "export const suffix = '-b';\n");
      await until(server, url!, 'v2-b d1');

      extra.write('data.txt', 'd2\n');
      await until(server, url!, 'v2-b d2');
      const pids = server.bootedPids();
      assert.ok(pids.length > firstPids.length, 'new worker processes served the new code');
      assert.equal(server.child.exitCode, null, 'the arbiter kept running');
    } finally {
      await server.stop();
    }
  });

  it('one touch is one reload, and log files written in the app folder reload nothing', async () => {
    const app = makeTempDir('gunicorn-ts-reload-loop-');
    try {
      app.write('app.ts', `import { appendFileSync } from 'node:fs';
import { suffix } from './lib/suffix';
export const app = (_req: unknown, res: { end(s: string): void }): void => {
  appendFileSync('app-requests.log', 'served\\n');
  res.end('ok' + suffix);
};
`);
      app.write('lib/suffix.ts', "export const suffix = '-a';\n");
      const args = ['-w', '1', '-b', '127.0.0.1:0', '--reload', '--access-logfile', './access.log', '--pid', './server.pid', 'app.ts:app'];
      const server = startGunicorn(args, { cwd: app.path });
      servers.push(server);
      const [url] = await server.listening();
      await server.waitForLog(/^Watching for changes: /);
      await until(server, url!, 'ok-a');
      // Every request writes two files in the app folder (the access log and the app's own log).
      for (let i = 0; i < 40; i++) assert.equal(await get(url!), 'ok-a');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(server.logCount(/^Reloading: /), 0, 'log files written in the app folder never trigger a reload');

      await promisify(execFile)('touch', [join(app.path, 'lib/suffix.ts')]);
      await server.waitForLog(/^Reloading: .*suffix\.ts changed$/);
      await server.waitFor('a second generation booted', () => server.bootedPids().length >= 2);
      for (let i = 0; i < 20; i++) await get(url!);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(server.logCount(/^Reloading: /), 1, 'one touch, one reload');
      assert.equal(server.bootedPids().length, 2);
      await server.stop();
    } finally {
      app.remove();
    }
  });

  it('reload_extra_files glob patterns cover files created after start', async () => {
    const app = makeTempDir('gunicorn-ts-reload-glob-');
    try {
      app.write('app.ts', "export const app = (_q: unknown, s: { end(t: string): void }) => s.end('x');\n");
      app.write('templates/index.html', '<p>1</p>\n');
      const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', '--reload', '--reload-extra-file', 'templates/**/*.html', 'app.ts:app'], { cwd: app.path });
      servers.push(server);
      await server.listening();
      await server.waitForLog(/^Watching for changes: /);
      await server.waitFor('the first worker booted', () => server.bootedPids().length >= 1);
      app.write('templates/notes.txt', 'not a template\n');
      // The new folder is watched once its creation is seen; as in Gunicorn, it is an edit of the
      // file that counts, so edit it until the watcher (which may add the folder a moment later) sees one.
      let edits = 0;
      const editing = setInterval(() => app.write('templates/mail/welcome.html', `<p>${edits++}</p>\n`), 200);
      await server.waitForLog(/^Reloading: .*templates\/mail\/welcome\.html changed$/).finally(() => clearInterval(editing));
      await server.waitForLog(/^Reloading: .*templates\/mail\/welcome\.html changed$/);
      assert.equal(server.logCount(/^Reloading: .*notes\.txt/), 0, 'a file the pattern does not match is not watched');
      await server.stop();
    } finally {
      app.remove();
    }
  });

  it('--reload with --preload is refused with exit 1', async () => {
    dir.write('plain.ts', "export const app = (_q: unknown, s: { end(t: string): void }) => s.end('x');\n");
    const { code, stderr } = await runGunicorn(['-b', '127.0.0.1:0', '--reload', '--preload', 'plain.ts:app'], { cwd: dir.path });
    assert.equal(code, 1);
    assert.match(stderr, /reload: true from command line: cannot be combined with preload_app/);
  });
});
