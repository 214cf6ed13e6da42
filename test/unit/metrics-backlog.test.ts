// Backlog depth parsing from kernel tables: /proc/net/tcp{,6} LISTEN rows and `ss -xlnH` Unix rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcNetTcp, parseSsUnix, scanListenRows } from '../../src/metrics/backlog.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9C55 00000000:0000 0A 00000000:00000014 00:00000000 00000000     0        0 51985 5 00000000b2d69c54 100 0 0 10 0
   1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1121 1 00000000df191300 100 0 0 10 0
   2: 0100007F:9C55 0100007F:D2F0 01 00000000:0000002A 00:00000000 00000000     0        0 51990 1 00000000dc640258 20 4 30 10 -1
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNetTcp', () => {
  it('maps the inode of each LISTEN row to its rx_queue (hex)', () => {
    const depths = parseProcNetTcp(TCP);
    assert.equal(depths.get(51985), 0x14);
    assert.equal(depths.get(1121), 0);
  });

  it('ignores established connections even when their queue is not empty', () => {
    assert.equal(parseProcNetTcp(TCP).has(51990), false);
  });

  it('reads tcp6 rows', () => {
    assert.deepEqual([...parseProcNetTcp(TCP6)], [[777, 3]]);
  });

  it('skips the header, blank and malformed lines', () => {
    assert.equal(parseProcNetTcp('garbage\n\n   9: x y 0A zz:zz\n').size, 0);
  });
});

describe('parseSsUnix', () => {
  it('maps the inode of each listening Unix socket to its Recv-Q', () => {
    const text = [
      'u_str LISTEN 3      7      /tmp/app.sock 51984 * 0',
      'u_str LISTEN 0      4096   /run/with space.sock 600 * 0',
      'u_seq LISTEN 0      5      @abstract 42 * 0',
    ].join('\n');
    assert.deepEqual([...parseSsUnix(text)], [[51984, 3], [600, 0], [42, 0]]);
  });

  it('ignores non-listening rows and empty output', () => {
    assert.equal(parseSsUnix('u_str ESTAB 0 0 /tmp/app.sock 5 * 6\n').size, 0);
    assert.equal(parseSsUnix('').size, 0);
  });
});

/** A reader over `text` in `size`-byte pieces that counts how many pieces were asked for. */
function pieces(text: string, size: number): { read: (buf: Buffer) => number; reads: () => number } {
  const bytes = Buffer.from(text, 'latin1');
  let at = 0;
  let reads = 0;
  return {
    read: (buf) => {
      reads++;
      const n = bytes.copy(buf, 0, at, Math.min(bytes.length, at + Math.min(size, buf.length)));
      at += n;
      return n;
    },
    reads: () => reads,
  };
}

const row = (sl: number, state: string, rx: number, inode: number): string =>
  `  ${sl}: 0100007F:9C55 00000000:0000 ${state} 00000000:${rx.toString(16).padStart(8, '0')} 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0`;

describe('scanListenRows', () => {
  const header = TCP.split('\n')[0]!;
  const listen = Array.from({ length: 40 }, (_, i) => row(i, '0A', i, 1000 + i));
  const established = Array.from({ length: 400 }, (_, i) => row(40 + i, '01', 7, 5000 + i));
  const text = [header, ...listen, ...established, ''].join('\n');

  it('agrees with parseProcNetTcp for the wanted inodes, whatever the piece size (rows split across reads)', () => {
    for (const size of [1, 7, 100, 4096]) {
      const { read } = pieces(text, size);
      assert.deepEqual([...scanListenRows(read, new Set([1000, 1017, 1039]))], [[1000, 0], [1017, 17], [1039, 39]]);
    }
  });

  it('stops reading once every wanted inode is found', () => {
    const reader = pieces(text, 100);
    assert.deepEqual([...scanListenRows(reader.read, new Set([1003]))], [[1003, 3]]);
    assert.ok(reader.reads() * 100 < 1000, `read ${reader.reads()} pieces`);
  });

  it('stops at the first non-LISTEN row when a wanted inode is not listed, never reading the established part', () => {
    const reader = pieces(text, 100);
    assert.equal(scanListenRows(reader.read, new Set([1005, 4242])).get(1005), 5);
    const listenBytes = [header, ...listen].join('\n').length;
    assert.ok(reader.reads() * 100 <= listenBytes + 300, `read ${reader.reads() * 100} of ${text.length} bytes`);
  });

  it('never reports an established row, and reads a last row without a newline', () => {
    assert.equal(scanListenRows(pieces(text, 4096).read, new Set([5000])).size, 0);
    const noNewline = [header, row(0, '0A', 9, 77)].join('\n');
    assert.deepEqual([...scanListenRows(pieces(noNewline, 4096).read, new Set([77, 78]))], [[77, 9]]);
  });
});

