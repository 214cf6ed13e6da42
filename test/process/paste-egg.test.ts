// `use = egg:NAME` through the real binary, as Pyramid's INI files write it: a package that
// declares its Paste entry point in package.json is served (with --paste-global values in its
// global config); one that declares none stops --check-config and a start at preflight,
// naming the section and what to write, instead of workers that never answer.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('gts-paste-egg-');
const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  tmp.remove();
});

tmp.write('node_modules/declared/package.json', JSON.stringify({
  name: 'declared', version: '1.0.0', type: 'module',
  paste: { app_factory: { main: './app.js:main' } },
}));
// Pyramid's shape: main(global_config, **settings) returns the app.
tmp.write('node_modules/declared/app.js', `export function main(globalConf, settings) {
  return (req, res) => res.end(JSON.stringify({ title: settings.title, region: globalConf.region, path: req.url }));
}
`);
tmp.write('node_modules/undeclared/package.json', JSON.stringify({ name: 'undeclared', version: '1.0.0', type: 'module', main: 'index.js' }));
tmp.write('node_modules/undeclared/index.js', 'export function main(globalConf, settings) { return () => undefined; }\n');
const ini = (pkg: string): string => tmp.write(`${pkg}.ini`, `[app:main]
use = egg:${pkg}
title = %(region)s shop

[server:main]
use = egg:gunicorn#main
workers = 1
`);

describe('egg: entry points', () => {
  it('serves the app_factory a package declares in package.json, with --paste-global in its global config', async () => {
    const server = startGunicorn(['--paste', ini('declared'), '--paste-global', 'region=eu', '-b', '127.0.0.1:0'], { cwd: tmp.path });
    servers.push(server);
    const [url] = await server.listening();
    await server.waitForLog(/^worker ready$/);
    const res = await fetch(`${url}/x`);
    assert.deepEqual(await res.json(), { title: 'eu shop', region: 'eu', path: '/x' });
    await server.stop();
  });

  it('a package that declares no entry point fails --check-config and a start at preflight, naming the section and the fix', async () => {
    const file = ini('undeclared');
    for (const extra of [['--check-config'], []]) {
      const r = await runGunicorn(['--paste', file, '--paste-global', 'region=eu', '-b', '127.0.0.1:0', ...extra], { cwd: tmp.path });
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stderr.includes(`${file}: [app:main] use: egg:undeclared#main: package `), r.stderr);
      assert.match(r.stderr, /declares no Paste app_factory "main"; declare it in the package's package\.json as "paste": \{"app_factory": \{"main": /);
      assert.match(r.stderr, /or write "use = call:\.\/path\/to\/module\.js#createApp"/);
      assert.doesNotMatch(r.stderr, /Booting worker|\n\s+at /, 'stopped before any worker');
    }
  });

  it('an egg: package that is not installed is named with what to write', async () => {
    const r = await runGunicorn(['--paste', ini('absent-pkg'), '--paste-global', 'region=eu', '--check-config'], { cwd: tmp.path });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /egg:absent-pkg: no package "absent-pkg" found from /);
  });
});
