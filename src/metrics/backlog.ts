// The listen backlog depth of each bound socket, read from the kernel: connections accepted
// by the kernel that no worker has taken yet. TCP comes from /proc/net/tcp{,6} (rx_queue of
// the LISTEN row); /proc/net/unix has no queue column, so Unix sockets ask `ss` (netlink).
// Sockets are matched by inode (fstat of the fd the arbiter holds), not by port.
import { execFile } from 'node:child_process';
import { fstatSync, readFileSync } from 'node:fs';

const TCP_LISTEN = '0A';

/** inode → rx_queue of every LISTEN row in /proc/net/tcp or /proc/net/tcp6 text. */
export function parseProcNetTcp(text: string): Map<number, number> {
  const depths = new Map<number, number>();
  for (const line of text.split('\n')) {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== TCP_LISTEN || !/^\d+:$/.test(f[0]!)) continue;
    const rx = f[4]!.split(':')[1];
    const inode = Number(f[9]);
    if (rx === undefined || !/^[0-9A-Fa-f]+$/.test(rx) || !Number.isSafeInteger(inode)) continue;
    depths.set(inode, Number.parseInt(rx, 16));
  }
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

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
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
  const tcp = new Map([...parseProcNetTcp(readProc('/proc/net/tcp')), ...parseProcNetTcp(readProc('/proc/net/tcp6'))]);
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
