import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { loadPasteApp } from '../../src/paste/index.js';
import { fixturesDir, functionsOnly, serve } from './paste-serve.js';

const file = join(fixturesDir, 'features.ini');

/** Loads `name` from features.ini, serves it for one batch of GETs, always closes. */
async function getFrom(name: string, paths: string[]) {
  const served = await serve(await loadPasteApp({ file, name }, { toListener: functionsOnly }));
  try {
    const out = [];
    for (const path of paths) out.push(await served.get(path));
    return out;
  } finally {
    await served.close();
  }
}
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('paste app composition, served over real HTTP', () => {
  it('file: serves the named export, and the default export without #NAME', async () => {
    const [main] = await getFrom('main', ['/x?y=1']);
    assert.equal(main!.body, 'hello /x?y=1');
    const [plain] = await getFrom('default-export', ['/d']);
    assert.equal(plain!.body, 'hello /d');
  });

  it('call: passes globalConf ([DEFAULT], here, __file__, set) and localConf (own keys, get)', async () => {
    const [res] = await getFrom('factory', ['/']);
    const body = json(res!.body);
    assert.deepEqual(body.globalConf, {
      here: fixturesDir.replace(/\/$/, ''), __file__: file, greeting: 'hello there',
      data_dir: `${dirname(file)}/data`, debug: 'false',
    });
    assert.deepEqual(body.localConf, {
      label: 'factory', file, path: `${dirname(file)}/data/x`, percent: '100%',
      anchor: '#not-a-comment; nor this', long: 'first\nsecond\nthird', mood: 'false',
    });
  });

  it('call: awaits an async factory', async () => {
    const [res] = await getFrom('async-factory', ['/a']);
    assert.equal(json(res!.body).label, 'async');
  });

  it('npm: and egg: load a package resolved from the INI file directory', async () => {
    const [npm] = await getFrom('from-npm', ['/n']);
    assert.equal(npm!.body, 'package hello /n');
    const [egg] = await getFrom('from-egg', ['/e']);
    assert.equal(egg!.body, 'package main /e', 'egg:pkg without #NAME calls the app_factory "main" its package.json declares');
  });

  it('egg:pkg#NAME calls the declared app_factory with (globalConf, localConf); egg: filters use filter_factory', async () => {
    const [named] = await getFrom('from-egg-named', ['/n']);
    assert.equal(named!.body, 'egg-factory hi /n');
    const [piped] = await getFrom('egg-pipeline', ['/p']);
    assert.equal(piped!.body, 'package main /p');
    assert.equal(piped!.headers.get('x-tag'), 'tagged');
  });

  it('raw_paste_global_conf adds globals the file does not define; [DEFAULT] keeps its own', async () => {
    const served = await serve(await loadPasteApp({ file, name: 'from-egg-named', globalConf: { greeting: 'from-cli', extra: 'x' } }, { toListener: functionsOnly }));
    try {
      assert.equal((await served.get('/g')).body, 'egg-factory hi /g', 'the file\'s [DEFAULT] greeting wins, as in PasteDeploy');
    } finally {
      await served.close();
    }
    const factory = await serve(await loadPasteApp({ file, name: 'factory', globalConf: { extra: 'x' } }, { toListener: functionsOnly }));
    try {
      const body = json((await factory.get('/f')).body);
      assert.equal((body['globalConf'] as Record<string, string>)['extra'], 'x');
    } finally {
      await factory.close();
    }
  });

  it('config: builds a section of another INI file, with paths relative to that file', async () => {
    const [res] = await getFrom('from-config', ['/r']);
    const body = json(res!.body);
    assert.equal(body.label, 'remote');
    assert.equal((body.globalConf as Record<string, string>).origin, join(fixturesDir, 'sub'));
  });

  it('#NAME selects a dotted section name without nesting', async () => {
    const [res] = await getFrom('api.v1', ['/v']);
    assert.equal(json(res!.body).label, 'dotted');
  });

  it('pipeline: applies filters left to right around the app (call: factories and a file: filter)', async () => {
    const [res] = await getFrom('tagged', ['/p']);
    assert.equal(res!.body, 'hello /p');
    assert.equal(res!.headers.get('x-tags'), 'first,second,plain');
  });
});

describe('paste urlmap composite, served over real HTTP', () => {
  it('routes by longest prefix and strips it from req.url', async () => {
    const [root, api, admin, tagged, nested] = await getFrom('site', ['/hello', '/api/items?q=1', '/api/v1/admin/users', '/tagged/t', '/api']);
    assert.equal(root!.body, 'hello /hello');
    const apiBody = json(api!.body);
    assert.equal(apiBody.label, 'dotted');
    assert.equal(apiBody.url, '/items?q=1');
    assert.equal(json(admin!.body).label, 'factory');
    assert.equal(json(admin!.body).url, '/users');
    assert.equal(tagged!.body, 'hello /t');
    assert.equal(tagged!.headers.get('x-tags'), 'first,second,plain');
    assert.equal(json(nested!.body).url, '/', 'the bare prefix becomes "/"');
  });

  it('exposes the mount as req.scriptName, req.originalUrl and the x-script-name header', async () => {
    const [res] = await getFrom('site', ['/api/v1/admin/users?x=2']);
    const body = json(res!.body);
    assert.equal(body.scriptName, '/api/v1/admin');
    assert.equal(body.originalUrl, '/api/v1/admin/users?x=2');
    assert.equal(body.scriptNameHeader, '/api/v1/admin');
  });

  it('accumulates prefixes through nested urlmaps', async () => {
    const [res] = await getFrom('outer', ['/outer/api/v1/admin/users']);
    const body = json(res!.body);
    assert.equal(body.url, '/users');
    assert.equal(body.scriptName, '/outer/api/v1/admin');
    assert.equal(body.originalUrl, '/outer/api/v1/admin/users');
  });

  it('answers 404 when no prefix matches', async () => {
    const [res] = await getFrom('outer', ['/elsewhere']);
    assert.equal(res!.status, 404);
  });

  it('does not match a prefix in the middle of a path segment', async () => {
    const [res] = await getFrom('site', ['/apiary']);
    assert.equal(res!.body, 'hello /apiary', '/apiary falls through to the / mount');
  });
});
