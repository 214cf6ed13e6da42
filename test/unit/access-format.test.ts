// Access-log atoms, one by one, and Gunicorn's default format end to end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  accessAtoms, compileAccessFormat, formatAccessLine, formatAtoms, formatAccessTime, type AccessRecord,
} from '../../src/log/access-format.js';
import { FULL } from '../../src/log/line-bytes.js';
import { DEFAULTS as DEFAULT_LOG_SETTINGS } from '../helpers/defaults.js';
import { makeRequest, makeResponse } from '../helpers/http-objects.js';

interface Fake {
  method?: string; url?: string; headers?: Record<string, string>; status?: number;
  resHeaders?: Record<string, string | string[]>; bytes?: number; ms?: number; remote?: string;
}

function record(f: Fake = {}): AccessRecord {
  const headers = f.headers ?? { 'user-agent': 'curl/8.0', referer: 'http://ref.example/' };
  const req = makeRequest({
    method: f.method ?? 'GET', url: f.url ?? '/hello?x=1&y=2',
    headers,
    // As Node sends them: names in the client's case, which the atoms must ignore.
    rawHeaders: Object.entries(headers).flatMap(([name, value]) => [name.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase()), value]),
    remoteAddress: '127.0.0.1',
  });
  const res = makeResponse(req, { statusCode: f.status ?? 200, headers: f.resHeaders ?? { 'content-type': 'text/plain' } });
  return {
    req, res, startedMs: new Date(2026, 10, 21, 23, 15, 30, 250).getTime(), durationMs: f.ms ?? 2345.678901,
    responseBytes: f.bytes ?? 12,
    ...(f.remote === undefined ? {} : { remoteAddress: f.remote }),
  };
}

const atom = (name: string, f?: Fake): string => formatAccessLine(`%(${name})s`, accessAtoms(record(f)));

describe('access-log atoms', () => {
  it('h is the socket address, or the PROXY-protocol address when given', () => {
    assert.equal(atom('h'), '127.0.0.1');
    assert.equal(atom('h', { remote: '203.0.113.9' }), '203.0.113.9');
  });
  it('l is always -', () => assert.equal(atom('l'), '-'));
  it('u is the Basic-auth user name, else -', () => {
    assert.equal(atom('u'), '-');
    const auth = 'Basic ' + Buffer.from('alice:secret').toString('base64');
    assert.equal(atom('u', { headers: { authorization: auth } }), 'alice');
  });
  it('t is the arrival time in Apache form', () => {
    assert.match(atom('t'), /^\[21\/Nov\/2026:23:15:30 [+-]\d{4}\]$/);
  });
  it('r is the request line', () => assert.equal(atom('r'), 'GET /hello?x=1&y=2 HTTP/1.1'));
  it('s is the status', () => assert.equal(atom('s', { status: 404 }), '404'));
  it('b is the response length, - when 0', () => {
    assert.equal(atom('b'), '12');
    assert.equal(atom('b', { bytes: 0 }), '-');
  });
  it('f is the referer, a the user agent, - when missing', () => {
    assert.equal(atom('f'), 'http://ref.example/');
    assert.equal(atom('a'), 'curl/8.0');
    assert.equal(atom('f', { headers: {} }), '-');
    assert.equal(atom('a', { headers: {} }), '-');
  });
  it('T, D, L, M are the duration in s, µs, decimal s, ms', () => {
    assert.equal(atom('T'), '2');
    assert.equal(atom('D'), '2345678');
    assert.equal(atom('L'), '2.345678');
    assert.equal(atom('M'), '2345');
    assert.equal(atom('L', { ms: 0.005 }), '0.000005');
    assert.equal(atom('D', { ms: 0.0009 }), '0', 'below a microsecond');
    assert.equal(atom('T', { ms: 61_999.9 }), '61', 'whole seconds are truncated, not rounded');
  });
  it('p is <pid>', () => assert.equal(atom('p'), `<${process.pid}>`));
  it('m, U, q, H are method, path, query, protocol', () => {
    assert.equal(atom('m', { method: 'POST' }), 'POST');
    assert.equal(atom('U'), '/hello');
    assert.equal(atom('q'), 'x=1&y=2');
    assert.equal(atom('q', { url: '/plain' }), '-');
    assert.equal(atom('H'), 'HTTP/1.1');
  });
  it('{Header}i and {Header}o ignore case; missing is -', () => {
    assert.equal(atom('{User-Agent}i'), 'curl/8.0');
    assert.equal(atom('{Content-Type}o'), 'text/plain');
    assert.equal(atom('{X-Missing}i'), '-');
    assert.equal(atom('{X-Missing}o'), '-');
  });
  it('{Var}e reads the environment (only when the format names it)', () => {
    process.env.GTS_ACCESS_TEST = 'from-env';
    const line = formatAccessLine('%({GTS_ACCESS_TEST}e)s', accessAtoms(record(), ['{GTS_ACCESS_TEST}e']));
    assert.equal(line, 'from-env');
    assert.equal(formatAccessLine('%({GTS_NOT_SET_ANYWHERE}e)s', accessAtoms(record(), ['{GTS_NOT_SET_ANYWHERE}e'])), '-');
  });
  it('an unknown atom prints -, %% prints %', () => {
    assert.equal(atom('zz'), '-');
    assert.equal(formatAccessLine('100%% %(s)s', accessAtoms(record())), '100% 200');
  });
});

describe('formatAccessLine', () => {
  it('renders Gunicorn\'s default format', () => {
    const line = formatAccessLine(DEFAULT_LOG_SETTINGS.access_log_format, accessAtoms(record()));
    assert.match(line, /^127\.0\.0\.1 - - \[21\/Nov\/2026:23:15:30 [+-]\d{4}\] "GET \/hello\?x=1&y=2 HTTP\/1\.1" 200 12 "http:\/\/ref\.example\/" "curl\/8\.0"$/);
  });
  it('formatAtoms lists the atoms a format uses, headers in lower case', () => {
    assert.deepEqual(formatAtoms('%(h)s %({X-Req}i)s %({HOME}e)s %(h)s'), ['h', '{x-req}i', '{HOME}e']);
  });
  it('accessAtoms limited to a format gives the same line as the full set', () => {
    const fmt = '%(h)s %(M)s %({user-agent}i)s %({content-type}o)s';
    assert.equal(formatAccessLine(fmt, accessAtoms(record(), formatAtoms(fmt))), formatAccessLine(fmt, accessAtoms(record())));
  });
  it('formatAccessTime pads the day and prints the zone offset', () => {
    assert.match(formatAccessTime(new Date(2026, 0, 5, 1, 2, 3).getTime()), /^\[05\/Jan\/2026:01:02:03 [+-]\d{4}\]$/);
  });
});

describe('compileAccessFormat', () => {
  // The reference: the regex fill of formatAccessLine over the atoms the format names.
  const reference = (fmt: string, r: AccessRecord): string => formatAccessLine(fmt, accessAtoms(r, formatAtoms(fmt)));
  const formats = [
    DEFAULT_LOG_SETTINGS.access_log_format,
    '',
    'no atoms at all',
    '%%',
    '100%% %(s)s',
    '%%(s)s',
    '%(s)s%(s)s%%%(b)s',
    '%(zz)s %()s %(unknown atom)s',
    '%(h)d %(s) %(s %(s)x %',
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(B)s "%(f)s" "%(a)s" %(T)s %(M)s %(D)s %(L)s %(p)s %(m)s %(U)s %(q)s %(H)s',
    '%({User-Agent}i)s|%({x-missing}i)s|%({AUTHORIZATION}i)s|%({Content-Type}o)s|%({X-List}o)s|%({x-none}o)s',
    '%({GTS_COMPILE_TEST}e)s %({GTS_NOT_SET_ANYWHERE}e)s %({gts_compile_test}e)s',
    '%({}i)s %({Header}x)s %({Header}I)s',
    'tail text after %(s)s and ünïcödé %(a)s',
  ];
  const fakes: Fake[] = [
    {},
    { method: 'HEAD', url: '/plain', status: 404, bytes: 0, headers: {}, resHeaders: {} },
    { method: 'POST', url: '/a?', remote: '203.0.113.9', ms: 0.005, resHeaders: { 'x-list': ['a', 'b'] },
      headers: { authorization: 'Basic ' + Buffer.from('alice:pw').toString('base64'), 'user-agent': 'ü agent' } },
    { url: '/x?q=%20&r', ms: 61_000.000123, status: 500, bytes: 1_234_567 },
  ];
  it('fills every format of the table exactly as formatAccessLine does', () => {
    process.env.GTS_COMPILE_TEST = 'env-value';
    for (const fmt of formats) {
      const compiled = compileAccessFormat(fmt);
      for (const f of fakes) assert.equal(compiled.line(record(f)), reference(fmt, record(f)), `format ${JSON.stringify(fmt)}`);
    }
  });
  it('encodes every format of the table as the UTF-8 bytes of its line', () => {
    process.env.GTS_COMPILE_TEST = 'env-value';
    const buf = Buffer.alloc(4096);
    for (const fmt of formats) {
      const compiled = compileAccessFormat(fmt, '\n');
      for (const f of fakes) {
        const expected = Buffer.from(compiled.line(record(f)));
        const end = compiled.encode(record(f), buf, 100);
        assert.deepEqual(buf.subarray(100, end), expected, `format ${JSON.stringify(fmt)}`);
      }
    }
  });
  it('encode() reports FULL when the line does not fit, at every size short of the line', () => {
    const compiled = compileAccessFormat(`${DEFAULT_LOG_SETTINGS.access_log_format} %(D)s ü€😀`, '\n');
    const r = record({ headers: { 'user-agent': 'ü agent', referer: 'http://ref.example/' } });
    const expected = Buffer.from(compiled.line(r));
    for (let size = 0; size < expected.length; size++) {
      assert.equal(compiled.encode(r, Buffer.alloc(size + 7), 7), FULL, `room for ${size} bytes`);
    }
    const exact = Buffer.alloc(expected.length + 7);
    assert.equal(compiled.encode(r, exact, 7), exact.length);
    assert.deepEqual(exact.subarray(7), expected);
  });
  it('appends the suffix after the filled format', () => {
    assert.equal(compileAccessFormat('%(s)s %%', '\n').line(record()), '200 %\n');
  });
  it('lists the atoms the format uses, as formatAtoms does', () => {
    for (const fmt of formats) assert.deepEqual(compileAccessFormat(fmt).atoms, formatAtoms(fmt));
  });
});

describe('formatAccessTime once per second', () => {
  it('gives each second its own text, also when seconds alternate', () => {
    const a = new Date(2026, 10, 21, 23, 15, 30, 1).getTime();
    const a2 = new Date(2026, 10, 21, 23, 15, 30, 999.5).getTime() + 0.4;
    const b = new Date(2026, 10, 21, 23, 15, 31, 0).getTime();
    const c = new Date(2026, 0, 5, 1, 2, 3).getTime();
    assert.match(formatAccessTime(a), /^\[21\/Nov\/2026:23:15:30 [+-]\d{4}\]$/);
    assert.equal(formatAccessTime(a2), formatAccessTime(a));
    assert.match(formatAccessTime(b), /^\[21\/Nov\/2026:23:15:31 [+-]\d{4}\]$/);
    assert.match(formatAccessTime(c), /^\[05\/Jan\/2026:01:02:03 [+-]\d{4}\]$/);
    assert.match(formatAccessTime(a), /:23:15:30 /);
  });
});
