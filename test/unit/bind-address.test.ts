import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  type BindAddress,
  BindAddressError,
  formatBindAddress,
  parseBindAddress,
} from '../../src/arbiter/sockets/bind-address.js';

describe('parseBindAddress', () => {
  const valid: Array<[string, BindAddress]> = [
    ['127.0.0.1:8000', { kind: 'tcp', host: '127.0.0.1', port: 8000 }],
    ['127.0.0.1', { kind: 'tcp', host: '127.0.0.1', port: 8000 }],
    ['localhost', { kind: 'tcp', host: 'localhost', port: 8000 }],
    ['example.com:80', { kind: 'tcp', host: 'example.com', port: 80 }],
    [':9000', { kind: 'tcp', host: '0.0.0.0', port: 9000 }],
    ['0.0.0.0:0', { kind: 'tcp', host: '0.0.0.0', port: 0 }],
    ['[::1]:8001', { kind: 'tcp', host: '::1', port: 8001 }],
    ['[::1]', { kind: 'tcp', host: '::1', port: 8000 }],
    ['[::]:65535', { kind: 'tcp', host: '::', port: 65535 }],
    ['tcp://10.0.0.1:81', { kind: 'tcp', host: '10.0.0.1', port: 81 }],
    ['unix:/run/app.sock', { kind: 'unix', path: '/run/app.sock' }],
    ['unix://run/app.sock', { kind: 'unix', path: 'run/app.sock' }],
    ['unix:relative.sock', { kind: 'unix', path: 'relative.sock' }],
    ['fd://3', { kind: 'fd', fd: 3 }],
    ['fd://0', { kind: 'fd', fd: 0 }],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${text}`, () => assert.deepEqual(parseBindAddress(text), expected));
  }

  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    [' 127.0.0.1:80', /spaces/],
    ['127.0.0.1:', /port "" is not a number/],
    ['127.0.0.1:http', /port "http" is not a number/],
    ['127.0.0.1:65536', /out of range/],
    ['127.0.0.1:-1', /not a number/],
    ['::1:8000', /IPv6 address needs brackets/],
    ['::1', /needs brackets; write it as \[::1\]:8000/],
    ['[::1:8000', /no matching '\]'/],
    ['[127.0.0.1]:80', /not an IPv6 address/],
    ['[::1]8000', /expected ':PORT'/],
    ['bad host:80', /not an IP address or a host name/],
    ['unix:', /socket path is empty/],
    ['fd://', /non-negative integer/],
    ['fd://-1', /non-negative integer/],
    ['fd://3x', /non-negative integer/],
  ];
  for (const [text, reason] of invalid) {
    it(`rejects ${JSON.stringify(text)} with a clear message`, () => {
      assert.throws(
        () => parseBindAddress(text),
        (err: unknown) => {
          assert.ok(err instanceof BindAddressError);
          assert.match(err.message, reason);
          assert.ok(err.message.includes(JSON.stringify(text)), 'names the text');
          assert.match(err.message, /accepted forms: HOST, HOST:PORT, :PORT, \[IPV6\]:PORT, unix:PATH or fd:\/\/N/);
          return true;
        },
      );
    });
  }
});

describe('formatBindAddress', () => {
  it('formats each kind canonically', () => {
    assert.equal(formatBindAddress({ kind: 'tcp', host: '127.0.0.1', port: 8000 }), '127.0.0.1:8000');
    assert.equal(formatBindAddress({ kind: 'tcp', host: '::1', port: 8000 }), '[::1]:8000');
    assert.equal(formatBindAddress({ kind: 'unix', path: '/tmp/a.sock' }), 'unix:/tmp/a.sock');
    assert.equal(formatBindAddress({ kind: 'fd', fd: 3 }), 'fd://3');
  });

  it('round-trips through parseBindAddress', () => {
    for (const text of ['127.0.0.1:8000', '[::1]:0', 'unix:/tmp/a.sock', 'fd://7', 'localhost:80']) {
      assert.equal(formatBindAddress(parseBindAddress(text)), text);
    }
  });
});
