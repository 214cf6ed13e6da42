// CPU use of worker processes, read from /proc/<pid>/stat (utime + stime). The first reading
// of a pid gives its average since it started; later readings the share since the previous
// one, so a live view (`status --watch`) shows what each worker does now.
import { readFileSync } from 'node:fs';

/** USER_HZ: the kernel's unit for utime/stime in /proc (100 on every Linux Node runs on). */
const TICKS_PER_SECOND = 100;

interface Sample {
  readonly ticks: number;
  readonly at: number;
}

/** utime + stime and the start time (in ticks since boot) of a process; null once it is gone. */
function readStat(pid: number): { ticks: number; startTicks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields count from the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), startTicks: Number(fields[19]) };
  } catch {
    return null;
  }
}

function uptimeSeconds(): number {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

export class CpuSampler {
  private readonly last = new Map<number, Sample>();

  /** Percent of one CPU used by `pid` (100 = one core busy), rounded to 0.1; null when unknown. */
  percent(pid: number, now: number): number | null {
    const stat = readStat(pid);
    if (stat === null) return null;
    const previous = this.last.get(pid);
    this.last.set(pid, { ticks: stat.ticks, at: now });
    let used: number;
    let elapsed: number;
    if (previous !== undefined && now - previous.at >= 100) {
      used = (stat.ticks - previous.ticks) / TICKS_PER_SECOND;
      elapsed = (now - previous.at) / 1000;
    } else {
      used = stat.ticks / TICKS_PER_SECOND;
      elapsed = uptimeSeconds() - stat.startTicks / TICKS_PER_SECOND;
    }
    if (!(elapsed > 0) || !Number.isFinite(used)) return null;
    return Math.round((used / elapsed) * 1000) / 10;
  }

  /** Forgets pids that are no longer listed. */
  keepOnly(pids: ReadonlySet<number>): void {
    for (const pid of this.last.keys()) if (!pids.has(pid)) this.last.delete(pid);
  }
}
