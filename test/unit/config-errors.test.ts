// Every kind of configuration error: the message names the setting, the source, the bad
// value and what was expected; all problems are reported at once.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, GunicornError } from '../../src/errors.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dir = makeTempDir();
after(() => dir.remove());

async function failure(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<GunicornError> {
  try {
    await loadConfig({ argv, env, cwd: dir.path });
  } catch (err) {
    assert.ok(err instanceof GunicornError, `expected a GunicornError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the configuration to be rejected');
}

describe('configuration errors', () => {
  it('names setting, source, value and expectation for a bad CLI value', async () => {
    const err = await failure(['-w', 'abc']);
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /workers: "abc" from command line: must be integer/);
    assert.equal(err.exitCode, 1);
  });

  it('reports every problem of every layer at once', async () => {
    const conf = dir.write('bad.conf.ts', 'export default { timeout: "soon", loglevel: "loud" };\n');
    const err = await failure(['-c', conf, '--backlog', '0'], { WEB_CONCURRENCY: 'many' });
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 4);
    assert.match(err.message, /workers: "many" from environment WEB_CONCURRENCY/);
    assert.match(err.message, new RegExp(`timeout: "soon" from ${conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: must be`));
    assert.match(err.message, /loglevel: "loud" from .*must be one of "debug", "info", "warning", "error", "critical"/);
    assert.match(err.message, /backlog: "0" from command line: must be >= 1/);
  });

  it('does not coerce types in a config file', async () => {
    const conf = dir.write('typed.conf.ts', 'export default { workers: "4" };\n');
    const err = await failure(['-c', conf]);
    assert.match(err.message, /workers: "4" from .*typed\.conf\.ts: must be integer/);
  });

  it('suggests the closest name for an unknown setting', async () => {
    const conf = dir.write('typo.conf.ts', 'export default { wokers: 2 };\n');
    const err = await failure(['-c', conf]);
    assert.match(err.message, /wokers: 2 from .*: unknown setting \(did you mean "workers"\?\)/);
  });

  it('suggests the closest flag for an unknown option', async () => {
    const err = await failure(['--worker', '2']);
    assert.equal(err.code, 'GTS_ERR_USAGE');
    assert.match(err.message, /unknown option --worker in command line \(did you mean "--workers"\?\)/);
  });

  it('rejects a name given both in snake_case and camelCase', async () => {
    const conf = dir.write('twice.conf.ts', 'export default { max_requests: 1, maxRequests: 2 };\n');
    const err = await failure(['-c', conf]);
    assert.match(err.message, /"max_requests" is given twice, as "max_requests" and as "maxRequests"/);
  });

  it('rejects Python-only settings with the reason', async () => {
    const err = await failure(['--spew']);
    assert.match(err.message, /spew: true from command line: not supported on Node: /);
  });

  it('rejects a hook that is not a function or takes too many arguments', async () => {
    const conf = dir.write('hooks.conf.ts', 'export const on_starting = "later";\nexport const when_ready = (a: 1, b: 2, c: 3) => {};\n');
    const err = await failure(['-c', conf]);
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /on_starting: "later" from .*: must be a function \(server\) or null/);
    assert.match(err.message, /when_ready: \[function\] from .*: must take at most 1 argument/);
  });

  it('reports a missing -c file', async () => {
    const err = await failure(['-c', 'nope.conf.ts']);
    assert.match(err.message, /config file not found: .*nope\.conf\.ts/);
  });

  it('shows a throwing config file with its own error, file and line', async () => {
    const conf = dir.write('throws.conf.ts', 'const port = 8000;\nthrow new Error(`no database for ${port}`);\n');
    const err = await failure(['-c', conf]);
    assert.match(err.message, /error in config file .*throws\.conf\.ts: no database for 8000 \(at .*throws\.conf\.ts:2:\d+\)/);
  });

  it('shows a syntax error in a config file with its location', async () => {
    const conf = dir.write('syntax.conf.ts', 'export default { workers: 2,, };\n');
    const err = await failure(['-c', conf]);
    assert.match(err.message, /error in config file .*syntax\.conf\.ts/);
  });

  it('rejects command-line-only settings in a config file', async () => {
    const conf = dir.write('cli-only.conf.ts', 'export default { check_config: true };\n');
    const err = await failure(['-c', conf]);
    assert.match(err.message, /check_config: true from .*: can only be given on the command line/);
  });
});
