// Issue #17: the master never serves HTTP itself unless metrics_bind asks for its /metrics
// listener, so it must not evaluate node:http (~2.8 MB of its RSS), nor TLS or HTTP/2 (the
// edge's settings are validated without them). Node's own list of the built-in modules a
// process has loaded is the witness, read by a post_fork hook in the master.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../helpers/temp-dir.js';
import { APP, ARBITER_FIXTURES, readText, Tracked, waitUntil } from './arbiter-support.js';

const tracked = new Tracked();
const tmp = makeTempDir('gts-master-builtins-');

after(async () => {
  await tracked.cleanup();
  tmp.remove();
});

/** The built-ins of MODULES the master had evaluated when post_fork ran. */
async function masterLoaded(name: string, args: readonly string[]): Promise<string> {
  const out = join(tmp.path, `${name}.txt`);
  const server = tracked.start(['-w', '1', '-b', '127.0.0.1:0', '-c', `${ARBITER_FIXTURES}builtins-probe.conf.mjs`, ...args, APP], { env: { GTS_PROBE_OUT: out } });
  await server.listening();
  await waitUntil('the post_fork probe', () => existsSync(out));
  server.signal('SIGTERM');
  assert.equal((await server.exited).code, 0, server.stderr);
  return readText(out);
}

describe('what the master loads of Node\'s HTTP modules', () => {
  test('without metrics_bind: none of them', async () => {
    assert.equal(await masterLoaded('plain', []), '');
  });

  // The probe's other side: the same master with a listener of its own does show node:http
  // (prom-client's push gateway, which it loads, brings https and tls along).
  test('with metrics_bind: node:http, for its /metrics listener', async () => {
    assert.ok((await masterLoaded('metrics', ['--metrics-bind', '127.0.0.1:0'])).split(',').includes('http'));
  });
});
