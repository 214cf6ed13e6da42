// Backlog depth parsing from kernel tables: /proc/net/tcp{,6} LISTEN rows and `ss -xlnH` Unix rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcNetTcp, parseSsUnix } from '../../src/metrics/backlog.js';

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
