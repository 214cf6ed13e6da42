// What a HUP applies from a new configuration: settings the running master cannot apply
// keep their running value and are named in a warning; everything else takes the new value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/registry.js';
import { planReload, RESTART_ONLY } from '../../src/arbiter/reload-plan.js';

async function config(argv: readonly string[]): Promise<Config> {
  const result = await loadConfig({ argv: [...argv, 'app.mjs'], env: {}, cwd: process.cwd() });
  if (result.kind !== 'config') throw new Error('expected a configuration');
  return result.config;
}

const CASES: ReadonlyArray<{ readonly name: string; readonly next: readonly string[]; readonly kept: readonly string[]; readonly applied: Partial<Config> }> = [
  { name: 'bind, logging and pidfile apply', next: ['-b', 'unix:/tmp/x.sock', '--log-level', 'warning', '--error-logfile', '/tmp/e.log', '--pid', '/tmp/p.pid'], kept: [], applied: { bind: ['unix:/tmp/x.sock'], loglevel: 'warning', errorlog: '/tmp/e.log', pidfile: '/tmp/p.pid' } },
  { name: 'workers and the replacement settings apply', next: ['-w', '3', '--max-restarting-workers', '1'], kept: [], applied: { workers: 3, max_restarting_workers: 1 } },
  { name: 'daemon keeps its running value', next: ['--daemon'], kept: ['daemon'], applied: { daemon: false } },
  { name: 'user and group keep theirs', next: ['-u', 'nobody', '-g', 'nogroup'], kept: ['user', 'group'], applied: { user: null, group: null } },
  { name: 'metrics_bind and reload keep theirs, the rest applies', next: ['--metrics-bind', '127.0.0.1:9100', '--reload', '-w', '4'], kept: ['metrics_bind', 'reload'], applied: { metrics_bind: null, reload: false, workers: 4 } },
];

for (const c of CASES) {
  test(`reload plan: ${c.name}`, async () => {
    const running = await config(['-b', '127.0.0.1:0']);
    const plan = planReload(running, await config(c.next));
    assert.deepEqual(plan.kept.map((k) => k.name), c.kept);
    for (const [name, value] of Object.entries(c.applied)) assert.deepEqual(plan.config[name as keyof Config], value, name);
    for (const kept of plan.kept) {
      assert.match(kept.message, new RegExp(`^Reload cannot apply ${kept.name} \\(`));
      assert.match(kept.message, /(USR2 \(a new master\) applies it|a restart applies it)$/);
    }
    assert.ok(Object.isFrozen(plan.config));
  });
}

test('reload plan: an unchanged configuration keeps nothing back', async () => {
  const running = await config(['-b', '127.0.0.1:0', '-u', 'nobody']);
  assert.deepEqual(planReload(running, await config(['-b', '127.0.0.1:0', '-u', 'nobody'])).kept, []);
});

test('reload plan: with systemd sockets, bind is a restart-only setting', async () => {
  const running = await config(['-b', '127.0.0.1:8000']);
  const plan = planReload(running, await config(['-b', '127.0.0.1:9000']), false);
  assert.deepEqual(plan.kept.map((k) => k.name), ['bind']);
  assert.deepEqual(plan.config.bind, ['127.0.0.1:8000']);
  assert.match(plan.kept[0]!.message, /systemd socket activation/);
});

test('every restart-only setting is a real setting', async () => {
  const running = await config([]);
  for (const rule of RESTART_ONLY) assert.ok(rule.name in running, rule.name);
});
