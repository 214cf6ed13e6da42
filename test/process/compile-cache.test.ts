// Node's compile cache (Node >= 22.1) against the real binary: a start and --check-config
// leave V8's code in $XDG_CACHE_HOME/gunicorn-ts/compile-cache; a start from a warm cache
// serves; NODE_DISABLE_COMPILE_CACHE keeps it off (and the bundles' code cache too); a cache
// directory that cannot be made costs nothing but the cache, and says nothing. On Node 20
// there is no compile cache to turn on; the bundles' code cache works on every Node.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import nodeModule from 'node:module';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  return serveOnceWith([], env);
}

/**
 * Starts `-w 1` with `args`, waits until its worker has booted and each of `logged` has been
 * logged, gets a 200, stops it; its stderr.
 */
async function serveOnceWith(args: readonly string[], env: NodeJS.ProcessEnv, logged: readonly RegExp[] = []): Promise<string> {
  const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', ...args, app], { env });
  try {
    const [url] = await server.listening();
    await server.waitForLog(/^Booting worker with pid: /, 30_000);
    for (const line of logged) await server.waitForLog(line, 30_000);
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
    // Node's cache holds the entries and the app; the bundles have their own (below).
    const afterStart = filesUnder(cacheDir);
    assert.equal(afterStart.length >= afterCheck.length && afterStart.length > 0, nodeHasCache, `cache files after a start: ${afterStart.length}`);
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

// Our bundles' own code cache (requireBundle() in compile-cache.cts), on every Node: written
// once a master and a worker have started, used by the next start of the same build, and a
// file V8 cannot use is replaced, never fatal. V8 itself says whether it used the cache.
describe('code cache of the bundles', () => {
  const codeCacheFiles = (cacheHome: string): string[] => filesUnder(join(cacheHome, 'gunicorn-ts', 'code-cache')).sort();
  const debugServe = (cacheHome: string): Promise<string> => serveOnceWith(['--log-level', 'debug'], { XDG_CACHE_HOME: cacheHome }, [/^code cache cli-main/, /^code cache worker/]);

  it('is written by a first start and used by the next', async () => {
    const cacheHome = join(tmp.path, 'code-warm');
    const first = await debugServe(cacheHome);
    assert.match(first, /code cache cli-main\.cjs-\S+: absent, written/);
    assert.match(first, /code cache worker\.cjs-\S+: absent, written/);
    const files = codeCacheFiles(cacheHome);
    assert.deepEqual(files.map((f) => /([^/]+\.cjs)-[0-9a-f]{8}-v[^/]+\.v8$/.exec(f)?.[1]), ['cli-main.cjs', 'worker.cjs']);
    const second = await debugServe(cacheHome);
    assert.match(second, /code cache cli-main\.cjs-\S+: used"/);
    assert.match(second, /code cache worker\.cjs-\S+: used"/);
    assert.deepEqual(codeCacheFiles(cacheHome), files);
  });

  it('replaces a cache V8 rejects, and the start serves', async () => {
    const cacheHome = join(tmp.path, 'code-garbage');
    await debugServe(cacheHome);
    const files = codeCacheFiles(cacheHome);
    for (const file of files) writeFileSync(file, Buffer.alloc(4096, 0x5a));
    const rejected = await debugServe(cacheHome);
    assert.match(rejected, /code cache cli-main\.cjs-\S+: rejected, written/);
    assert.match(rejected, /code cache worker\.cjs-\S+: rejected, written/);
    for (const file of files) assert.notEqual(readFileSync(file)[0], 0x5a, `${file} still holds the garbage`);
    const again = await debugServe(cacheHome);
    assert.match(again, /code cache cli-main\.cjs-\S+: used"/);
  });
});
