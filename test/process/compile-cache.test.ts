// Node's compile cache (Node >= 22.1) against the real binary: a start and --check-config
// leave V8's code in $XDG_CACHE_HOME/gunicorn-ts/compile-cache; a start from a warm cache
// serves; NODE_DISABLE_COMPILE_CACHE keeps it off; a cache directory that cannot be made
// costs nothing but the cache, and says nothing. On Node 20 there is no cache to turn on.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import nodeModule from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, httpGet, runGunicorn, startGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('gunicorn-ts-compile-cache-');
after(() => tmp.remove());
const nodeHasCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const app = join(FIXTURES, 'apps/cjs-app.cjs');

/** Every file under `dir`, recursively ([] when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function serveOnce(env: NodeJS.ProcessEnv): Promise<string> {
  const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', app], { env });
  try {
    const [url] = await server.listening();
    await server.waitForLog(/^Booting worker with pid: /, 30_000);
    const r = await httpGet(url!);
    assert.equal(r.status, 200);
    server.signal('SIGTERM');
    const { code } = await server.exited;
    assert.equal(code, 0);
    return server.stderr;
  } finally {
    await server.stop();
  }
}

describe('compile cache', () => {
  it(nodeHasCache ? 'is written by a start and by --check-config, and a start from it serves' : 'is left alone on a Node without one', async () => {
    const cacheHome = join(tmp.path, 'warm');
    const cacheDir = join(cacheHome, 'gunicorn-ts', 'compile-cache');
    const r = await runGunicorn(['--check-config', app], { env: { XDG_CACHE_HOME: cacheHome } });
    assert.equal(r.code, 0, r.stderr);
    const afterCheck = filesUnder(cacheDir);
    assert.equal(afterCheck.length > 0, nodeHasCache, `cache files: ${afterCheck.join(', ')}`);
    await serveOnce({ XDG_CACHE_HOME: cacheHome });
    const afterStart = filesUnder(cacheDir);
    // The worker's bundle and the app are cached beside the command's bundle.
    assert.equal(afterStart.length > afterCheck.length, nodeHasCache, `cache files after a start: ${afterStart.length}`);
    await serveOnce({ XDG_CACHE_HOME: cacheHome });
  });

  it('stays off with NODE_DISABLE_COMPILE_CACHE=1', async () => {
    const cacheHome = join(tmp.path, 'disabled');
    await serveOnce({ XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.deepEqual(filesUnder(cacheHome), []);
  });

  it('serves and prints nothing about it when the cache directory cannot be made', async () => {
    // A file where the directory would go: mkdir fails with ENOTDIR.
    const cacheHome = tmp.write('not-a-dir', 'x');
    const stderr = await serveOnce({ XDG_CACHE_HOME: cacheHome });
    assert.doesNotMatch(stderr, /cache/i);
  });
});
