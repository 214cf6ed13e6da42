// The access log's byte writers (line-bytes.ts): the same bytes as Buffer.from(String(x)),
// FULL exactly when a piece does not fit, and FULL passed along a chain of pieces.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FULL, putBytes, putNumber, putText } from '../../src/log/line-bytes.js';

/** What `put` writes into a roomy buffer at offset 3, checked against the offset it returns. */
function written(put: (buf: Buffer, at: number) => number): Buffer {
  const buf = Buffer.alloc(512, 0xaa);
  const end = put(buf, 3);
  assert.notEqual(end, FULL);
  assert.equal(buf[2], 0xaa, 'nothing written before the offset');
  assert.equal(buf[end], 0xaa, 'nothing written after the returned end');
  return buf.subarray(3, end);
}

const TEXTS = [
  '', 'GET', '/hello?x=1&y=2', '127.0.0.1', '-',
  // Node gives request bytes >= 0x80 as Latin-1 characters; then 2-, 3- and 4-byte UTF-8.
  'caf\u00e9', '\u00ff\u0080', 'ascii then \u20ac', '\u{1f600} first', 'mixed \u00fc\u20ac\u{1f600} end',
  // Lone surrogates become U+FFFD, as Buffer.from makes them.
  'lone \ud800 high', 'lone \udc00 low', '\ud83d',
];

describe('putText', () => {
  it('writes the UTF-8 bytes Buffer.from makes', () => {
    for (const t of TEXTS) assert.deepEqual(written((b, at) => putText(b, at, t)), Buffer.from(t), JSON.stringify(t));
  });
  it('is FULL at every room short of the text, and fits exactly', () => {
    for (const t of TEXTS) {
      const bytes = Buffer.byteLength(t);
      for (let room = 0; room < bytes; room++) assert.equal(putText(Buffer.alloc(room + 2), 2, t), FULL, `${JSON.stringify(t)} in ${room}`);
      // Non-ASCII text reserves 3 bytes per UTF-16 unit after its first non-ASCII one.
      const needs = /^[\x00-\x7f]*$/.test(t) ? bytes : Math.max(bytes, t.length * 3);
      assert.equal(putText(Buffer.alloc(needs + 2), 2, t), bytes + 2, JSON.stringify(t));
    }
  });
});

describe('putNumber', () => {
  it('writes what String(n) prints', () => {
    const numbers = [0, -0, 7, 9, 10, 99, 100, 200, 404, 1234567, 2 ** 31 - 1, 2 ** 31, 1e10, 2 ** 53, -5, 1.5, 0.000001, NaN, Infinity];
    for (const n of numbers) assert.deepEqual(written((b, at) => putNumber(b, at, n)).toString(), String(n), String(n));
  });
  it('is FULL when the digits do not fit', () => {
    assert.equal(putNumber(Buffer.alloc(4), 2, 200), FULL);
    assert.equal(putNumber(Buffer.alloc(5), 2, 200), 5);
  });
});

describe('putBytes', () => {
  it('copies short and long byte runs (the two take different paths)', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('" "'), Buffer.from('[21/Nov/2026:23:15:30 +0000]'), Buffer.alloc(300, 0x41)]) {
      assert.deepEqual(written((b, at) => putBytes(b, at, bytes)), bytes, `${bytes.length} bytes`);
      assert.equal(putBytes(Buffer.alloc(bytes.length + 1), 2, bytes), FULL, 'one byte short');
    }
  });
});

describe('chaining pieces', () => {
  it('passes FULL along, so a line that stops fitting midway ends FULL', () => {
    const buf = Buffer.alloc(8);
    const end = putText(buf, putBytes(buf, putNumber(buf, 0, 404), Buffer.from(' ')), 'too long for it');
    assert.equal(end, FULL);
    assert.equal(putBytes(buf, FULL, Buffer.from('')), FULL);
    assert.equal(putNumber(buf, FULL, 1), FULL);
    assert.equal(putText(buf, FULL, ''), FULL);
  });
  it('writes consecutive pieces back to back', () => {
    const line = written((b, at) => putText(b, putBytes(b, putNumber(b, at, 200), Buffer.from(' "')), 'ü"'));
    assert.equal(line.toString(), '200 "ü"');
  });
});
