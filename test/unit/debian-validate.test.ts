// gunicorn-ts-debian validates instance files before starting anything: the instance rules
// (an app, no managed setting), the full configuration, chdir; and the generated schema
// says the same.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { findInstances } from '../../src/debian/instances.js';
import { buildInstanceSchema, excludedFromInstances, MANAGED_SETTINGS } from '../../src/debian/instance-rules.js';
import { resolvePaths } from '../../src/debian/paths.js';
import { formatInvalid, validateInstances } from '../../src/debian/validate.js';
import { buildJsonSchema } from '../../src/config/schema.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const tmp = makeTempDir('gts-debian-validate-');
after(() => tmp.remove());

async function problemsOf(files: Record<string, string>): Promise<Map<string, readonly string[]>> {
  const dir = join(tmp.path, `case-${Math.random().toString(36).slice(2)}`);
  for (const [name, text] of Object.entries(files)) tmp.write(join(dir.slice(tmp.path.length + 1), name), text);
  const paths = resolvePaths({ configDir: dir, runDir: join(dir, 'run'), logDir: join(dir, 'log') }, '/');
  const checks = await validateInstances(findInstances(dir), paths, {});
  return new Map(checks.map((c) => [c.instance.name, c.problems]));
}

describe('instance validation', () => {
  it('accepts config files, JSON and INI instances naming their app', async () => {
    const problems = await problemsOf({
      'a.conf.ts': "export default { app: 'x.ts:app', workers: 2, raw_env: ['A=1'] };",
      'b.json': '{"app": "x.ts", "bind": ["unix:/tmp/b.sock"]}',
      'c.ini': '[app:main]\nuse = file:./x.ts#app\n\n[server:main]\nuse = egg:gunicorn-ts#main\nworkers = 2\n',
    });
    assert.deepEqual([...problems], [['a', []], ['b', []], ['c', []]]);
  });

  it('names the file and setting of a bad value, and reports every file at once', async () => {
    const problems = await problemsOf({ 'a.json': '{"app": "x.ts", "workers": "many"}', 'b.json': '{"app": "x.ts", "wrkers": 2}', 'ok.json': '{"app": "x.ts"}' });
    assert.match(problems.get('a')!.join('\n'), /workers: "many" from .*a\.json: must be integer/);
    assert.match(problems.get('b')!.join('\n'), /wrkers: 2 from .*b\.json: unknown setting.*workers/);
    assert.deepEqual(problems.get('ok'), []);
  });

  it('refuses the settings the tool manages, also in an INI [server:main]', async () => {
    const problems = await problemsOf({
      'a.json': '{"app": "x.ts", "daemon": true, "pidfile": "/tmp/a.pid", "errorlog": "/tmp/a.log"}',
      'b.ini': '[app:main]\nuse = file:./x.ts\n\n[server:main]\nuse = egg:gunicorn-ts#main\npidfile = /tmp/b.pid\n',
    });
    assert.deepEqual(problems.get('a')!.map((p) => p.split(':')[0]), ['daemon', 'pidfile', 'errorlog']);
    assert.match(problems.get('b')![0]!, /^pidfile: not allowed in an instance file \(gunicorn-ts-debian writes the pidfile/);
  });

  it('requires an app in config files, and a chdir that exists', async () => {
    const problems = await problemsOf({ 'a.json': '{"workers": 2}', 'b.json': '{"app": "x.ts", "chdir": "no-such-dir"}', 'c.json': '{"app": null}' });
    assert.match(problems.get('a')![0]!, /^app: required in an instance file/);
    assert.deepEqual(problems.get('b'), ['chdir: "no-such-dir" is not a directory']);
    assert.match(problems.get('c')![0]!, /^app: required/);
  });

  it('reports a config file that throws, with its path', async () => {
    const problems = await problemsOf({ 'bad.conf.ts': "throw new Error('boom');" });
    assert.match(problems.get('bad')!.join('\n'), /error in config file .*bad\.conf\.ts: boom/);
  });

  it('formats the invalid files with their problems', () => {
    const text = formatInvalid([
      { instance: { name: 'a', file: '/c/a.json', kind: 'config' }, problems: ['workers: bad'] },
      { instance: { name: 'b', file: '/c/b.json', kind: 'config' }, problems: [] },
    ], 'nothing was started');
    assert.equal(text, '1 of 2 instance files invalid; nothing was started:\n  a (/c/a.json):\n    workers: bad');
  });
});

describe('instance schema', () => {
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(buildInstanceSchema());

  it('is the config schema minus the managed and command-line-only settings', () => {
    const all = Object.keys((buildJsonSchema() as { properties: object }).properties);
    const instance = Object.keys((buildInstanceSchema() as { properties: object }).properties);
    assert.deepEqual(instance, all.filter((n) => !excludedFromInstances().includes(n)));
    for (const name of [...Object.keys(MANAGED_SETTINGS), 'config', 'check_config', 'print_config']) assert.ok(!instance.includes(name), name);
  });

  it('accepts the example api.json and rejects managed settings and a missing app', () => {
    const example = JSON.parse(readFileSync(new URL('../../../config-examples/gunicorn.d/api.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    assert.equal(validate(example), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...example, daemon: true }), false);
    assert.equal(validate({ workers: 2 }), false);
    assert.equal(validate({ paste: 'site.ini' }), true);
  });
});
