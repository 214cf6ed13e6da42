// metrics_bind validation: malformed addresses and app bind addresses are refused with an
// error that names the setting; port 0, other ports and other paths are accepted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GunicornError } from '../../src/errors.js';
import { validateMetricsBind } from '../../src/metrics/index.js';

const BIND = ['127.0.0.1:8000', 'unix:/run/app.sock'];

function refusal(metricsBind: string, bind: readonly string[] = BIND): string {
  try {
    validateMetricsBind(metricsBind, bind, '/srv');
  } catch (err) {
    assert.ok(err instanceof GunicornError);
    assert.equal(err.exitCode, 1);
    return err.message;
  }
  return assert.fail(`${metricsBind} was accepted`);
}

describe('validateMetricsBind', () => {
  it('is off (null) when unset', () => {
    assert.equal(validateMetricsBind(null, BIND, '/srv'), null);
    assert.equal(validateMetricsBind(undefined, BIND, '/srv'), null);
  });

  it('returns the parsed address for every bind form', () => {
    assert.deepEqual(validateMetricsBind('127.0.0.1:9100', BIND, '/srv'), { kind: 'tcp', host: '127.0.0.1', port: 9100 });
    assert.deepEqual(validateMetricsBind('[::1]:9100', BIND, '/srv'), { kind: 'tcp', host: '::1', port: 9100 });
    assert.deepEqual(validateMetricsBind('unix:/run/metrics.sock', BIND, '/srv'), { kind: 'unix', path: '/run/metrics.sock' });
    assert.deepEqual(validateMetricsBind('fd://7', BIND, '/srv'), { kind: 'fd', fd: 7 });
  });

  it('refuses malformed addresses, naming the setting and the accepted forms', () => {
    for (const bad of ['nope:port', '127.0.0.1:99999', 'unix:', 'fd://x', ' 127.0.0.1:9100', '::1:9100']) {
      const msg = refusal(bad);
      assert.match(msg, /^invalid configuration: metrics_bind: /);
      assert.ok(msg.includes(JSON.stringify(bad)), msg);
      assert.match(msg, /accepted forms/);
    }
  });

  it('refuses an app bind address: same host and port, a wildcard on either side, the same socket path', () => {
    assert.match(refusal('127.0.0.1:8000'), /metrics_bind: "127\.0\.0\.1:8000" is also an app bind address/);
    assert.match(refusal('0.0.0.0:8000'), /is also an app bind address \("127\.0\.0\.1:8000"\)/);
    assert.match(refusal('127.0.0.1:8000', ['0.0.0.0:8000']), /also an app bind address/);
    assert.match(refusal('unix:app.sock', ['unix:/srv/app.sock']), /also an app bind address/);
    assert.match(refusal('fd://3', ['fd://3']), /also an app bind address/);
  });

  it('accepts port 0, another port, another host, another path, and ignores a malformed bind entry', () => {
    assert.equal(validateMetricsBind('127.0.0.1:0', ['127.0.0.1:0'], '/srv')?.kind, 'tcp');
    assert.equal(validateMetricsBind('127.0.0.1:9100', BIND, '/srv')?.kind, 'tcp');
    assert.equal(validateMetricsBind('127.0.0.2:8000', BIND, '/srv')?.kind, 'tcp');
    assert.equal(validateMetricsBind('unix:/run/other.sock', BIND, '/srv')?.kind, 'unix');
    assert.equal(validateMetricsBind('127.0.0.1:9100', ['bad:port'], '/srv')?.kind, 'tcp');
  });
});
