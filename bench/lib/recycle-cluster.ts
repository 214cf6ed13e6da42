// Starts bench/lib/recycle-fast-cluster.cjs (Node's cluster serving recycle-fast-app.mjs, recycled
// as gunicorn-ts recycles) for bench/recycle-fast and bench/recycle-cold, in its own process
// group, and reads what it prints: its port, and each worker it replaced.
import { fileURLToPath } from 'node:url';
import { benchEnv, killGroup, launch, sleep } from './throughput-proc.js';

/** bench/lib in the source tree: the recycling apps and this cluster, run from there. */
export const RECYCLE_LIB = fileURLToPath(new URL('../../../bench/lib/', import.meta.url));

export interface RecyclingCluster {
  readonly port: number;
  /** The primary's pid: its children are the workers. */
  readonly pid: number;
  /** Workers replaced so far. */
  replaced(): number;
  stop(): void;
}

/** `maxRequests` 0: never recycles. Resolves once the first worker listens. */
export async function startRecyclingCluster(workers: number, maxRequests: number, jitter: number): Promise<RecyclingCluster> {
  const env = benchEnv({ WORKERS: String(workers), MAX_REQUESTS: String(maxRequests), MAX_REQUESTS_JITTER: String(jitter) });
  const child = launch(process.execPath, ['recycle-fast-cluster.cjs'], { cwd: RECYCLE_LIB, env, stdout: 'pipe' });
  let out = '';
  let exitCode: number | null | undefined;
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  child.once('exit', (code) => { exitCode = code; });
  try {
    for (let ms = 0; ; ms += 20) {
      const port = /^port (\d+)$/m.exec(out)?.[1];
      if (port !== undefined) {
        return { port: Number(port), pid: child.pid!, replaced: () => out.match(/^replaced \d+$/gm)?.length ?? 0, stop: () => killGroup(child) };
      }
      if (exitCode !== undefined) throw new Error(`recycle-fast-cluster.cjs exited (${exitCode}):\n${out}`);
      if (ms > 30_000) throw new Error(`recycle-fast-cluster.cjs named no port:\n${out}`);
      await sleep(20);
    }
  } catch (err) {
    killGroup(child);
    throw err;
  }
}
