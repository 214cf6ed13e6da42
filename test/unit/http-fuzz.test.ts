// Bounded property tests of the HTTP edge's hand-written parsers, with a seeded generator
// (GTS_FUZZ_SEED and GTS_FUZZ_CASES change seed and count; a failure names the seed):
// - the PROXY protocol v1/v2 parser, fed random bytes, mutated valid headers and every
//   prefix of generated valid ones: it never throws, a generated header parses back to
//   exactly its fields, and whatever it reports as parsed is a well-formed header;
// - the raw-header reader and the head checks, fed random raw header lists and hosts,
//   agree with a plain reference implementation;
// - a real edge server fed random and mutated request heads: every one ends in a 4xx, a
//   close, or the app seeing exactly the headers sent; the server keeps answering.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { parseProxyHeader, type ProxyHeader } from '../../src/http/proxy-protocol.js';
import { firstRawHeader, joinedRawHeader } from '../../src/http/raw-headers.js';
import { isValidHost } from '../../src/http/head-checks.js';
import { createHttpEdge } from '../../src/http/edge.js';
import { DEFAULTS } from '../helpers/defaults.js';
import { exchange, proxyV2, proxyV2Tcp4, proxyV2Tcp6 } from '../helpers/raw-http.js';

const SEED = Number(process.env.GTS_FUZZ_SEED ?? 0x15ed9e);
const CASES = Number(process.env.GTS_FUZZ_CASES ?? 3000);

/** mulberry32: small, seedable, good enough to spread test inputs. */
function prng(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T; bytes(n: number): Buffer<ArrayBuffer> } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { int, pick: (xs) => xs[int(xs.length)]!, bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))) };
}

type Fields = Omit<ProxyHeader, 'headerLength'>;

function randomIpv4(r: ReturnType<typeof prng>): number[] { return [r.int(256), r.int(256), r.int(256), r.int(256)]; }

/** A valid header of any supported kind, its bytes and the fields it must parse to. */
function validHeader(r: ReturnType<typeof prng>): { bytes: Buffer; fields: Fields } {
  const sp = r.int(65536);
  const dp = r.int(65536);
  switch (r.int(6)) {
    case 0: {
      const [s, d] = [randomIpv4(r).join('.'), randomIpv4(r).join('.')];
      return { bytes: Buffer.from(`PROXY TCP4 ${s} ${d} ${sp} ${dp}\r\n`), fields: { version: 1, command: 'proxy', family: 'TCP4', source: s, sourcePort: sp, dest: d, destPort: dp } };
    }
    case 1: {
      const s = Buffer.from(r.bytes(16));
      const d = Buffer.from(r.bytes(16));
      const text = (b: Buffer): string => new URL(`http://[${Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16)).join(':')}]/`).hostname.slice(1, -1);
      return { bytes: Buffer.from(`PROXY TCP6 ${text(s)} ${text(d)} ${sp} ${dp}\r\n`), fields: { version: 1, command: 'proxy', family: 'TCP6', source: text(s), sourcePort: sp, dest: text(d), destPort: dp } };
    }
    case 2:
      return { bytes: Buffer.from('PROXY UNKNOWN\r\n'), fields: { version: 1, command: 'proxy', family: 'UNKNOWN', source: null, sourcePort: null, dest: null, destPort: null } };
    case 3: {
      const [s, d] = [randomIpv4(r), randomIpv4(r)];
      const tlv = r.bytes(r.int(40));
      return { bytes: proxyV2Tcp4(s, d, sp, dp, tlv), fields: { version: 2, command: 'proxy', family: 'TCP4', source: s.join('.'), sourcePort: sp, dest: d.join('.'), destPort: dp } };
    }
    case 4: {
      const s = Buffer.alloc(16);
      s[15] = 1; // ::1
      const d = Buffer.alloc(16);
      d.writeUInt16BE(0x2001, 0);
      d.writeUInt16BE(0xdb8, 2);
      d[15] = r.int(256) || 1;
      return { bytes: proxyV2Tcp6(s, d, sp, dp), fields: { version: 2, command: 'proxy', family: 'TCP6', source: '::1', sourcePort: sp, dest: `2001:db8::${d[15]!.toString(16)}`, destPort: dp } };
    }
    default:
      return { bytes: proxyV2(0, 0, r.bytes(r.int(20))), fields: { version: 2, command: 'local', family: 'UNKNOWN', source: null, sourcePort: null, dest: null, destPort: null } };
  }
}

/** What any header reported as parsed must satisfy, whatever the input was. */
function assertWellFormed(input: Buffer, h: ProxyHeader, seed: string): void {
  assert.ok(h.headerLength > 0 && h.headerLength <= input.length, `${seed}: headerLength ${h.headerLength} of ${input.length}`);
  if (h.family === 'UNKNOWN' || h.command === 'local') {
    assert.equal(h.source, null, seed);
    return;
  }
  const want = h.family === 'TCP4' ? 4 : 6;
  assert.equal(net.isIP(h.source ?? ''), want, `${seed}: source ${h.source}`);
  assert.equal(net.isIP(h.dest ?? ''), want, `${seed}: dest ${h.dest}`);
  for (const p of [h.sourcePort, h.destPort]) assert.ok(p !== null && Number.isInteger(p) && p >= 0 && p <= 65535, `${seed}: port ${p}`);
  // Parsing exactly the header's bytes gives the same header back.
  const again = parseProxyHeader(input.subarray(0, h.headerLength));
  assert.deepEqual(again.kind === 'parsed' ? again.header : again, h, seed);
}

describe(`PROXY protocol parser under fuzzing (seed ${SEED}, ${CASES} cases per property)`, () => {
  test('generated valid headers parse to exactly their fields; every proper prefix needs more bytes', () => {
    const r = prng(SEED);
    for (let i = 0; i < CASES; i++) {
      const { bytes, fields } = validHeader(r);
      const tail = r.bytes(r.int(8));
      const result = parseProxyHeader(Buffer.concat([bytes, tail]));
      assert.equal(result.kind, 'parsed', `case ${i}: ${bytes.toString('latin1')}`);
      if (result.kind !== 'parsed') return;
      assert.deepEqual(result.header, { ...fields, headerLength: bytes.length }, `case ${i}`);
      const cut = 1 + r.int(bytes.length - 1);
      assert.equal(parseProxyHeader(bytes.subarray(0, cut)).kind, 'needMore', `case ${i}: prefix of ${cut}`);
    }
  });
  test('random bytes and mutated valid headers: no throw; parsed results are well-formed', () => {
    const r = prng(SEED + 1);
    const kinds = new Map<string, number>();
    for (let i = 0; i < CASES * 3; i++) {
      let input: Buffer;
      if (i % 3 === 0) input = r.bytes(r.int(120));
      else {
        input = Buffer.from(validHeader(r).bytes);
        for (let m = 1 + r.int(3); m > 0; m--) {
          const at = r.int(input.length);
          const op = r.int(3);
          if (op === 0) input[at] = r.int(256);
          else if (op === 1) input = Buffer.concat([input.subarray(0, at), r.bytes(1 + r.int(4)), input.subarray(at)]);
          else input = Buffer.concat([input.subarray(0, at), input.subarray(at + 1 + r.int(4))]);
        }
      }
      const result = parseProxyHeader(input);
      kinds.set(result.kind, (kinds.get(result.kind) ?? 0) + 1);
      if (result.kind === 'parsed') assertWellFormed(input, result.header, `seed ${SEED + 1} case ${i}`);
      if (result.kind === 'invalid') assert.ok(result.reason.length > 0);
    }
    // The mutations reach every outcome, or the test is not exercising the parser.
    for (const kind of ['parsed', 'invalid', 'needMore', 'absent']) assert.ok((kinds.get(kind) ?? 0) > 0, `no ${kind} result: ${JSON.stringify([...kinds])}`);
  });
});

describe(`raw-header reader and head checks under fuzzing (seed ${SEED})`, () => {
  const NAMES = ['Host', 'host', 'HOST', 'X-Forwarded-For', 'x-forwarded-for', 'X-FORWARDED-FOR', 'Hosts', 'Hos', 'x-forwarded-fo', 'Content-Type', 'Forwarded'];
  test('firstRawHeader and joinedRawHeader agree with a lower-casing reference', () => {
    const r = prng(SEED + 2);
    for (let i = 0; i < CASES; i++) {
      const raw: string[] = [];
      for (let n = r.int(8); n > 0; n--) raw.push(r.pick(NAMES), r.bytes(r.int(6)).toString('latin1'));
      for (const lower of ['host', 'x-forwarded-for', 'content-type']) {
        const found: string[] = [];
        for (let k = 0; k + 1 < raw.length; k += 2) if (raw[k]!.toLowerCase() === lower) found.push(raw[k + 1]!);
        assert.equal(firstRawHeader(raw, lower), found[0], `case ${i} ${lower}`);
        assert.equal(joinedRawHeader(raw, lower), found.length === 0 ? undefined : found.join(', '), `case ${i} ${lower}`);
      }
    }
  });
  test('isValidHost accepts hosts built from the RFC 3986 grammar and refuses each with one excluded character', () => {
    const r = prng(SEED + 3);
    const regChars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&\'()*+,;=';
    const excluded = ' "#/<>?@[\\]^`{|}\t\x7f\x00é';
    for (let i = 0; i < CASES; i++) {
      let host = '';
      const kind = r.int(3);
      if (kind === 0) host = `[${Array.from({ length: 1 + r.int(8) }, () => r.int(65536).toString(16)).join(':')}]`;
      else if (kind === 1) host = randomIpv4(r).join('.');
      else for (let n = r.int(20); n > 0; n--) host += r.int(10) === 0 ? `%${r.int(256).toString(16).padStart(2, '0')}` : r.pick([...regChars]);
      if (r.int(2) === 0) host += `:${r.int(65536)}`;
      assert.ok(isValidHost(host), `case ${i}: ${JSON.stringify(host)} should be valid`);
      if (kind !== 2 || host.startsWith(':')) continue;
      const at = r.int(host.length + 1);
      const bad = `${host.slice(0, at)}${r.pick([...excluded])}${host.slice(at)}`;
      assert.ok(!isValidHost(bad), `case ${i}: ${JSON.stringify(bad)} should be refused`);
    }
  });
});

describe(`a real edge server under fuzzed request heads (seed ${SEED})`, () => {
  let server: http.Server;
  let port = 0;
  before(async () => {
    server = createHttpEdge(DEFAULTS).createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify(req.rawHeaders)));
    }) as http.Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const TCHAR = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'*+-.^`|~';
  test('each head ends in a 4xx, a close, or the app seeing exactly the headers sent; the server keeps serving', { timeout: 120_000 }, async () => {
    const r = prng(SEED + 4);
    const count = Math.max(50, Math.floor(CASES / 20));
    for (let i = 0; i < count; i++) {
      const headers: [string, string][] = [['Host', 'fuzz.example']];
      for (let n = r.int(6); n > 0; n--) {
        const name = Array.from({ length: 1 + r.int(12) }, () => r.pick([...TCHAR])).join('');
        const value = r.bytes(r.int(20)).toString('latin1').replace(/[\x00-\x1f\x7f]/g, 'v').trim();
        headers.push([name, value]);
      }
      let bytes = Buffer.from(`GET /f${i} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}Connection: close\r\n\r\n`, 'latin1');
      const mutated = i % 2 === 1;
      if (mutated) for (let m = 1 + r.int(3); m > 0; m--) bytes[r.int(bytes.length)] = r.int(256);
      const resp = await exchange(port, bytes);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(resp)?.[1] ?? 0);
      if (mutated) {
        // A mutation may still be a valid request (with other headers): any 200, 4xx or close.
        assert.ok(status === 0 || status === 200 || (status >= 400 && status < 500), `case ${i}: ${JSON.stringify(resp.slice(0, 100))}`);
        continue;
      }
      // Unmutated heads are valid (token names without '_', trimmed visible values): exact.
      assert.equal(status, 200, `case ${i}: ${JSON.stringify(resp.slice(0, 100))}`);
      const seen = JSON.parse(Buffer.from(resp.slice(resp.indexOf('\r\n\r\n') + 4), 'latin1').toString('utf8')) as string[];
      assert.deepEqual(seen, [...headers.flat(), 'Connection', 'close'], `case ${i}`);
    }
    assert.match(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 200/);
  });
});
