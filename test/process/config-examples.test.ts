// Every example configuration in config-examples/ passes --check-config, as CI would run it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = makeTempDir('gts-examples-');
after(() => tmp.remove());
// The gunicorn.d instances log to /var/log/gunicorn-ts, which gunicorn-ts-debian creates
// before starting them; the preflight (rightly) refuses a log directory that does not
// exist, so here their access log goes to a directory that does.
const accessLog = ['--access-logfile', `${tmp.path}/access.log`];

const examples: ReadonlyArray<readonly string[]> = [
  ['-c', 'config-examples/gunicorn.conf.ts'],
  ['--paste', 'config-examples/production.ini'],
  // gunicorn-ts-debian runs instances from their config directory: relative paths resolve there.
  ['-c', 'config-examples/gunicorn.d/hello.conf.ts', ...accessLog],
  ['-c', 'config-examples/gunicorn.d/api.json', '--chdir', 'config-examples/gunicorn.d', ...accessLog],
];

describe('config-examples', () => {
  for (const args of examples) {
    it(`${args.slice(0, 4).join(' ')} passes --check-config`, async () => {
      assert.ok(existsSync(`${repo}/${args[1]}`), `${args[1]} is missing`);
      const r = await runGunicorn([...args, '--check-config'], { cwd: repo });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Config OK: /);
    });
  }
});
