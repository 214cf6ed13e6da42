// The listen backlog depth of each bound socket, read from the kernel: connections accepted
// by the kernel that no worker has taken yet. TCP comes from /proc/net/tcp{,6} (rx_queue of
// the LISTEN row); /proc/net/unix has no queue column, so Unix sockets ask `ss` (netlink).
// Sockets are matched by inode (fstat of the fd the arbiter holds), not by port.
import { execFile } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const TCP_LISTEN = '0A';

interface TcpRow { readonly listening: boolean; readonly inode: number; readonly rx: number }

/** One data row of /proc/net/tcp{,6}; undefined for the header and malformed lines. */
function parseTcpRow(line: string): TcpRow | undefined {
  // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
  const f = line.trim().split(/\s+/);
  if (f.length < 10 || !/^\d+:$/.test(f[0]!)) return undefined;
  const rx = f[4]!.split(':')[1];
  const inode = Number(f[9]);
  if (rx === undefined || !/^[0-9A-Fa-f]+$/.test(rx) || !Number.isSafeInteger(inode)) return undefined;
  return { listening: f[3] === TCP_LISTEN, inode, rx: Number.parseInt(rx, 16) };
}

/** inode → rx_queue of every LISTEN row in /proc/net/tcp or /proc/net/tcp6 text. */
export function parseProcNetTcp(text: string): Map<number, number> {
  const depths = new Map<number, number>();
  for (const line of text.split('\n')) {
    const row = parseTcpRow(line);
    if (row?.listening) depths.set(row.inode, row.rx);
  }
  return depths;
}

const CHUNK = 4096;
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * Like parseProcNetTcp, but reads through `read` (fills the buffer, returns the byte count, 0 at
 * the end) only as far as needed: until every `wanted` inode is seen or the first non-LISTEN row.
 * The kernel lists listening sockets first; producing the rest walks the whole established hash
 * table (262144 buckets here: ~10 ms of CPU per full read), which a scrape must not pay.
 */
export function scanListenRows(read: (buf: Buffer) => number, wanted: ReadonlySet<number>): Map<number, number> {
  const depths = new Map<number, number>();
  const buf = Buffer.alloc(CHUNK);
  let partial = '';
  for (let total = 0; total < MAX_BYTES;) {
    const n = read(buf);
    if (n <= 0) break;
    total += n;
    const lines = (partial + buf.toString('latin1', 0, n)).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const row = parseTcpRow(line);
      if (row === undefined) continue;
      if (!row.listening) return depths;
      if (wanted.has(row.inode)) depths.set(row.inode, row.rx);
      if (depths.size === wanted.size) return depths;
    }
  }
  const last = parseTcpRow(partial);
  if (last?.listening && wanted.has(last.inode)) depths.set(last.inode, last.rx);
  return depths;
}

function scanProcFile(path: string, wanted: ReadonlySet<number>): Map<number, number> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return new Map();
  }
  try {
    return scanListenRows((buf) => readSync(fd, buf, 0, buf.length, null), wanted);
  } catch {
    return new Map();
  } finally {
    closeSync(fd);
  }
}

/** inode → depth for the `wanted` TCP listeners, IPv4 first, IPv6 only for those still missing. */
function tcpDepths(wanted: ReadonlySet<number>): Map<number, number> {
  const depths = wanted.size === 0 ? new Map<number, number>() : scanProcFile('/proc/net/tcp', wanted);
  const missing = new Set([...wanted].filter((inode) => !depths.has(inode)));
  if (missing.size > 0) for (const [inode, rx] of scanProcFile('/proc/net/tcp6', missing)) depths.set(inode, rx);
  return depths;
}

// u_str  LISTEN 3  128  /run/app.sock 51984  * 0   (path may hold spaces; inode and peer are last)
const SS_UNIX_LISTEN = /^\S+\s+LISTEN\s+(\d+)\s+\d+\s+.*?\s(\d+)\s+\*\s+\d+\s*$/;

/** inode → Recv-Q (pending connections) of every listening Unix socket in `ss -xlnH` output. */
export function parseSsUnix(text: string): Map<number, number> {
  const depths = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = SS_UNIX_LISTEN.exec(line.trim());
    if (m) depths.set(Number(m[2]), Number(m[1]));
  }
  return depths;
}

export function socketInode(fd: number): number | undefined {
  try {
    return fstatSync(fd).ino;
  } catch {
    return undefined;
  }
}

function runSs(): Promise<string> {
  return new Promise((resolve) => {
    execFile('ss', ['-xlnH'], { timeout: 2000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => resolve(err ? '' : stdout));
  });
}

export interface BacklogTarget {
  readonly label: string;
  readonly inode: number | undefined;
}

/** Depth per socket label; a socket the kernel tables do not show (no /proc, no `ss`) is left out. */
export async function readBacklogs(targets: readonly BacklogTarget[]): Promise<Map<string, number>> {
  // A unix: socket is never in the TCP tables; an fd:// one may be either.
  const tcp = tcpDepths(new Set(targets.flatMap((t) => (t.inode === undefined || t.label.startsWith('unix:') ? [] : [t.inode]))));
  const depths = new Map<string, number>();
  const rest: BacklogTarget[] = [];
  for (const t of targets) {
    const depth = t.inode === undefined ? undefined : tcp.get(t.inode);
    if (depth === undefined) rest.push(t);
    else depths.set(t.label, depth);
  }
  if (rest.some((t) => t.inode !== undefined)) {
    const unix = parseSsUnix(await runSs());
    for (const t of rest) {
      const depth = t.inode === undefined ? undefined : unix.get(t.inode);
      if (depth !== undefined) depths.set(t.label, depth);
    }
  }
  return depths;
}
