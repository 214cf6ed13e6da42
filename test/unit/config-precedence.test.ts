// Each source of settings and each boundary of the precedence order:
// defaults < environment < framework INI < config file < GUNICORN_CMD_ARGS < command line.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { SETTINGS } from '../../src/config/registry.js';
import type { LoadedConfig } from '../../src/config/load.js';
import { describeSource } from '../../src/config/source-ref.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dir = makeTempDir();
after(() => dir.remove());

async function load(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = dir.path): Promise<LoadedConfig> {
  const result = await loadConfig({ argv, env, cwd });
  assert.equal(result.kind, 'config');
  return result as LoadedConfig;
}

function setting(loaded: LoadedConfig, name: string): { value: unknown; source: string } {
  const source = loaded.sources.get(name);
  assert.ok(source, `no source for ${name}`);
  const values: Readonly<Record<string, unknown>> = loaded.config;
  return { value: values[name], source: describeSource(source) };
}

const ini = dir.write('site.ini', '[app:main]\nuse = file:./app.js\n\n[server:main]\nuse = egg:gunicorn#main\nworkers = 4\ntimeout = 40\n');
const conf = dir.write('layers.conf.ts', 'export default { workers: 5, timeout: 50, graceful_timeout: 12 };\n');

describe('precedence', () => {
  it('uses the declared default when nothing sets a value', async () => {
    const loaded = await load([]);
    assert.deepEqual(setting(loaded, 'workers'), { value: 1, source: 'default' });
    assert.deepEqual(setting(loaded, 'bind'), { value: ['127.0.0.1:8000'], source: 'default' });
  });

  it('environment beats default: WEB_CONCURRENCY and PORT', async () => {
    const loaded = await load([], { WEB_CONCURRENCY: '3', PORT: '9123' });
    assert.deepEqual(setting(loaded, 'workers'), { value: 3, source: 'environment WEB_CONCURRENCY' });
    assert.deepEqual(setting(loaded, 'bind'), { value: ['0.0.0.0:9123'], source: 'environment PORT' });
  });

  it('framework INI beats environment, with INI strings coerced by the schema', async () => {
    const loaded = await load(['--paste', ini], { WEB_CONCURRENCY: '3' });
    assert.deepEqual(setting(loaded, 'workers'), { value: 4, source: `${ini} [server:main]` });
    assert.equal(setting(loaded, 'timeout').value, 40);
  });

  it('config file beats framework INI', async () => {
    const loaded = await load(['--paste', ini, '-c', conf]);
    assert.deepEqual(setting(loaded, 'workers'), { value: 5, source: conf });
    assert.deepEqual(setting(loaded, 'timeout'), { value: 50, source: conf });
  });

  it('GUNICORN_CMD_ARGS beats the config file', async () => {
    const loaded = await load(['-c', conf], { GUNICORN_CMD_ARGS: '--workers 6 --graceful-timeout "13"' });
    assert.deepEqual(setting(loaded, 'workers'), { value: 6, source: 'GUNICORN_CMD_ARGS' });
    assert.deepEqual(setting(loaded, 'graceful_timeout'), { value: 13, source: 'GUNICORN_CMD_ARGS' });
    assert.deepEqual(setting(loaded, 'timeout'), { value: 50, source: conf });
  });

  it('the command line beats GUNICORN_CMD_ARGS', async () => {
    const loaded = await load(['-c', conf, '-w', '7'], { GUNICORN_CMD_ARGS: '-w 6' });
    assert.deepEqual(setting(loaded, 'workers'), { value: 7, source: 'command line' });
  });

  it('an explicit bind beats PORT', async () => {
    const loaded = await load(['-b', '127.0.0.1:9000', '--bind', 'unix:/tmp/x.sock'], { PORT: '9123' });
    assert.deepEqual(setting(loaded, 'bind'), { value: ['127.0.0.1:9000', 'unix:/tmp/x.sock'], source: 'command line' });
  });

  it('takes APP_MODULE from the positional argument', async () => {
    const loaded = await load(['-w', '2', 'app.ts:app']);
    assert.deepEqual(setting(loaded, 'app'), { value: 'app.ts:app', source: 'command line' });
  });

  it('finds ./gunicorn.conf.ts when no -c is given', async () => {
    const sub = makeTempDir();
    try {
      sub.write('gunicorn.conf.ts', 'export const workers: number = 2;\n');
      const loaded = await load([], {}, sub.path);
      assert.equal(setting(loaded, 'workers').value, 2);
      assert.equal(loaded.configFile, `${sub.path}/gunicorn.conf.ts`);
    } finally {
      sub.remove();
    }
  });
});

describe('config file forms', () => {
  it('accepts named exports, camelCase names and an async function default export', async () => {
    const named = dir.write('named.conf.ts', 'export const maxRequests = 100;\nexport const max_requests_jitter = 10;\n');
    let loaded = await load(['-c', named]);
    assert.equal(setting(loaded, 'max_requests').value, 100);
    assert.equal(setting(loaded, 'max_requests_jitter').value, 10);
    const fn = dir.write('fn.conf.mjs', 'export default async () => ({ workers: 3, waitForNewWorkers: true });\n');
    loaded = await load(['-c', fn]);
    assert.equal(setting(loaded, 'workers').value, 3);
    assert.equal(setting(loaded, 'wait_for_new_workers').value, true);
  });

  it('reads a JSON config file', async () => {
    const json = dir.write('conf.json', JSON.stringify({ workers: 2, bind: ['127.0.0.1:0'] }));
    const loaded = await load(['-c', json]);
    assert.deepEqual(setting(loaded, 'bind').value, ['127.0.0.1:0']);
  });

  it('ignores the "$schema" key of a JSON config file, as editors write it', async () => {
    const json = dir.write('editor.json', JSON.stringify({ $schema: './node_modules/gunicorn-ts/schemas/gunicorn.schema.json', workers: 3 }));
    assert.equal(setting(await load(['-c', json]), 'workers').value, 3);
  });

  it('accepts the camelCase spelling of every setting a file may set (the spellings GunicornConfig types)', async () => {
    const fileSettable = SETTINGS.filter((s) => s.cliOnly !== true && s.unsupported === undefined);
    const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    const values = Object.fromEntries(fileSettable.map((s) => [camel(s.name), s.default]));
    const loaded = await load(['-c', dir.write('camel.json', JSON.stringify(values))]);
    for (const s of fileSettable) assert.match(setting(loaded, s.name).source, /camel\.json/, s.name);
  });

  it('keeps hooks given as functions', async () => {
    const hooks = dir.write('hooks.conf.ts', 'export const on_starting = (server: unknown) => {};\nexport function postFork(server: unknown, worker: unknown) {}\n');
    const loaded = await load(['-c', hooks]);
    assert.equal(typeof setting(loaded, 'on_starting').value, 'function');
    assert.equal(typeof setting(loaded, 'post_fork').value, 'function');
  });

  it('reads a config file as it is now on every load (HUP), whatever its module type', async () => {
    const forms: Array<[string, (n: number) => string]> = [
      ['fresh.conf.mjs', (n) => `export default { workers: ${n} };\n`],
      ['fresh.conf.cjs', (n) => `exports.workers = ${n};\n`],
      ['fresh.conf.js', (n) => `module.exports = { workers: ${n} };\n`],
      ['fresh.conf.ts', (n) => `export const workers: number = ${n};\n`],
    ];
    for (const [name, body] of forms) {
      const file = dir.write(name, body(2));
      assert.equal(setting(await load(['-c', file]), 'workers').value, 2, name);
      dir.write(name, body(3));
      assert.equal(setting(await load(['-c', file]), 'workers').value, 3, `${name} after an edit`);
    }
  });

  it('freezes the resolved configuration', async () => {
    const loaded = await load(['-b', '127.0.0.1:1']);
    assert.ok(Object.isFrozen(loaded.config));
    assert.ok(Object.isFrozen(setting(loaded, 'bind').value));
  });
});
