// Load generators for bench/http2: h2load (Debian: `apt-get install -y nghttp2-client`)
// over cleartext prior knowledge, or, when h2load is absent (or BENCH_H2_CLIENT=node), two
// processes of the Node http2 client in bench/lib/http2-client.ts.
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface H2Result {
  /** Streams answered 2xx. */
  readonly requests: number;
  readonly rps: number;
  readonly failed: number;
}

export interface H2Load {
  readonly name: string;
  run(origin: string, seconds: number): Promise<H2Result>;
}

const CLIENT = fileURLToPath(new URL('./http2-client.js', import.meta.url));

function run(cmd: string, args: readonly string[], ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: ms, maxBuffer: 1 << 24 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** Runs h2load (one thread) and reads its summary: streams answered 2xx, and those failed, errored or timed out. */
export async function runH2load(args: readonly string[], ms: number): Promise<{ readonly twoxx: number; readonly failed: number }> {
  const out = await run('h2load', ['-t', '1', ...args], ms);
  const done = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
  const twoxx = /status codes: (\d+) 2xx/.exec(out);
  if (!done || !twoxx) throw new Error(`unexpected h2load output:\n${out}`);
  return { twoxx: Number(twoxx[1]), failed: Number(done[2]) + Number(done[3]) + Number(done[4]) };
}

function h2load(connections: number, streams: number): H2Load {
  return {
    name: `h2load -t1 -c${connections} -m${streams}`,
    async run(origin, seconds) {
      const { twoxx, failed } = await runH2load(['-c', String(connections), '-m', String(streams), '-D', String(seconds), `${origin}/`], (seconds + 30) * 1000);
      return { requests: twoxx, rps: twoxx / seconds, failed };
    },
  };
}

function nodeClient(connections: number, streams: number): H2Load {
  const perProcess = Math.max(1, Math.round(connections / 2));
  return {
    name: `Node http2 client, 2 processes x ${perProcess} sessions x ${streams} streams`,
    async run(origin, seconds) {
      const args = [CLIENT, origin, String(seconds), String(perProcess), String(streams)];
      const outs = await Promise.all([0, 1].map(() => run(process.execPath, args, (seconds + 30) * 1000)));
      const parsed = outs.map((o) => JSON.parse(o) as { requests: number; failed: number });
      const requests = parsed.reduce((a, p) => a + p.requests, 0);
      return { requests, rps: requests / seconds, failed: parsed.reduce((a, p) => a + p.failed, 0) };
    },
  };
}

function hasH2load(): boolean {
  try {
    execFileSync('h2load', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** h2load when installed (unless BENCH_H2_CLIENT=node), else the Node client. */
export function h2LoadGenerator(connections: number, streams: number): H2Load {
  if (process.env['BENCH_H2_CLIENT'] !== 'node' && hasH2load()) return h2load(connections, streams);
  if (process.env['BENCH_H2_CLIENT'] !== 'node') console.error('h2load not found (Debian: apt-get install -y nghttp2-client): using the Node http2 client');
  return nodeClient(connections, streams);
}
