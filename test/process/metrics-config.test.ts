// metrics_bind through the binary: --check-config refuses a bad address (exit 1, one line
// naming the setting), and a bad address stops startup before the app's sockets are bound.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const APP = 'apps/metrics-app.ts:app';
const dir = makeTempDir('gts-metrics-config-');
after(() => dir.remove());

describe('metrics_bind validation', () => {
  it('--check-config exits 1 naming metrics_bind for a malformed address', async () => {
    const { code, stdout, stderr } = await runGunicorn([APP, '--check-config', '--metrics-bind', '127.0.0.1:99999']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /metrics_bind: "127\.0\.0\.1:99999" from command line: invalid bind address "127\.0\.0\.1:99999": the port 99999 is out of range/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  it('--check-config exits 1 when metrics_bind is one of the app bind addresses', async () => {
    const { code, stderr } = await runGunicorn([APP, '--check-config', '--bind', '127.0.0.1:18123', '--metrics-bind', '0.0.0.0:18123']);
    assert.equal(code, 1);
    assert.match(stderr, /metrics_bind: "0\.0\.0\.0:18123" from command line: "0\.0\.0\.0:18123" is also an app bind address \("127\.0\.0\.1:18123"\)/);
  });

  it('--check-config accepts a good address', async () => {
    const { code, stdout } = await runGunicorn([APP, '--check-config', '--metrics-bind', 'unix:/tmp/gts-metrics-check.sock']);
    assert.equal(code, 0);
    assert.match(stdout, /^Config OK/);
  });

  it('a malformed metrics_bind stops startup before the app socket is bound', async () => {
    const appSock = join(dir.path, 'app.sock');
    const { code, stderr } = await runGunicorn([APP, '--bind', `unix:${appSock}`, '--metrics-bind', 'nope:port']);
    assert.equal(code, 1);
    assert.match(stderr, /metrics_bind: "nope:port" from command line: invalid bind address "nope:port"/);
    assert.doesNotMatch(stderr, /Listening at/);
    assert.equal(existsSync(appSock), false, 'the app socket was never created');
  });
});
