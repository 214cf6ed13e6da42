// --reload through the real binary: editing the app file, a module it imports, or a
// reload_extra_files file replaces the workers, and the new code answers; --reload with
// --preload is refused.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
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

  it('--reload with --preload is refused with exit 1', async () => {
    dir.write('plain.ts', "export const app = (_q: unknown, s: { end(t: string): void }) => s.end('x');\n");
    const { code, stderr } = await runGunicorn(['-b', '127.0.0.1:0', '--reload', '--preload', 'plain.ts:app'], { cwd: dir.path });
    assert.equal(code, 1);
    assert.match(stderr, /reload: true from command line: cannot be combined with preload_app/);
  });
});
