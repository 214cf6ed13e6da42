// syslog_addr parsing, facility names, the tag and the RFC 3164 line; statsd setting parsing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { facilityNumber, FACILITIES, formatLocal3164, parseSyslogAddr, rfc3164Time, syslogTag } from '../../src/log/syslog-addr.js';
import { normalizePrefix, parseDogstatsdTags } from '../../src/log/metrics.js';
import { parseStatsdAddress, statsdLine } from '../../src/log/statsd-client.js';

describe('parseSyslogAddr', () => {
  it('reads the four Gunicorn forms', () => {
    assert.deepEqual(parseSyslogAddr('udp://localhost:514'), { kind: 'udp', host: 'localhost', port: 514 });
    assert.deepEqual(parseSyslogAddr('tcp://10.0.0.5:6514'), { kind: 'tcp', host: '10.0.0.5', port: 6514 });
    assert.deepEqual(parseSyslogAddr('udp://[::1]:514'), { kind: 'udp', host: '::1', port: 514 });
    assert.deepEqual(parseSyslogAddr('udp://loghost'), { kind: 'udp', host: 'loghost', port: 514 });
    assert.deepEqual(parseSyslogAddr('unix:///dev/log#dgram'), { kind: 'unix', path: '/dev/log', type: 'dgram' });
    assert.deepEqual(parseSyslogAddr('unix:///run/syslog.sock'), { kind: 'unix', path: '/run/syslog.sock', type: 'stream' });
  });
  it('rejects bad forms with the supported list', () => {
    assert.throws(() => parseSyslogAddr('http://x'), /syslog_addr: unknown scheme .*supported forms: udp:\/\/HOST:PORT/);
    assert.throws(() => parseSyslogAddr('unix:///dev/log#seqpacket'), /unknown socket type "seqpacket"/);
    assert.throws(() => parseSyslogAddr('tcp://host:99999'), /bad port 99999/);
    assert.throws(() => parseSyslogAddr('udp://'), /missing host/);
  });
});

describe('facilities', () => {
  it('maps every standard name to its code', () => {
    assert.equal(facilityNumber('kern'), 0);
    assert.equal(facilityNumber('user'), 1);
    assert.equal(facilityNumber('daemon'), 3);
    assert.equal(facilityNumber('auth'), 4);
    assert.equal(facilityNumber('authpriv'), 10);
    assert.equal(facilityNumber('LOCAL0'), 16);
    assert.equal(facilityNumber('local7'), 23);
    assert.equal(Object.keys(FACILITIES).length, 25);
  });
  it('rejects an unknown name, listing the valid ones', () => {
    assert.throws(() => facilityNumber('locl0'), /syslog_facility: unknown facility "locl0"; expected one of kern, user/);
  });
});

describe('tag and line', () => {
  it('tags with gunicorn-ts.<prefix>, else proc_name, else gunicorn-ts', () => {
    assert.equal(syslogTag('api', 'web'), 'gunicorn-ts.api');
    assert.equal(syslogTag(null, 'web'), 'web');
    assert.equal(syslogTag(null, null), 'gunicorn-ts');
  });
  it('formats <PRI>TIMESTAMP TAG[PID]: MSG on one line', () => {
    const d = new Date(2026, 10, 1, 3, 4, 5);
    assert.equal(rfc3164Time(d), 'Nov  1 03:04:05');
    assert.equal(formatLocal3164(16, 3, 'gunicorn-ts', 42, 'a\nb', d), '<131>Nov  1 03:04:05 gunicorn-ts[42]: a | b\n');
  });
});

describe('statsd settings', () => {
  it('parses host:port, prefix and dogstatsd tags', () => {
    assert.deepEqual(parseStatsdAddress('localhost:8125'), { kind: 'udp', host: 'localhost', port: 8125 });
    assert.deepEqual(parseStatsdAddress('[::1]:9125'), { kind: 'udp', host: '::1', port: 9125 });
    assert.deepEqual(parseStatsdAddress('stats'), { kind: 'udp', host: 'stats', port: 8125 });
    assert.deepEqual(parseStatsdAddress('unix:///run/statsd.sock'), { kind: 'unix', path: '/run/statsd.sock' });
    assert.throws(() => parseStatsdAddress('h:0'), /statsd_host: expected HOST:PORT/);
    assert.throws(() => parseStatsdAddress('unix://'), /statsd_host: expected unix:\/\/PATH/);
    assert.equal(statsdLine('a.b', 1, 'c', []), 'a.b:1|c');
    assert.equal(statsdLine('a:b|c', 2.5, 'ms', ['k:v', 'x|y,z']), 'a_b_c:2.5|ms|#k:v,x_y_z');
    assert.equal(normalizePrefix('app'), 'app.');
    assert.equal(normalizePrefix('app.'), 'app.');
    assert.equal(normalizePrefix(''), '');
    assert.deepEqual(parseDogstatsdTags('env:prod, team:web,,'), ['env:prod', 'team:web']);
    assert.deepEqual(parseDogstatsdTags(''), []);
  });
});
