// The servers bench/throughput compares, each started fresh on a port: plain node, Node's
// cluster (round robin and SCHED_NONE), PM2 cluster mode, and gunicorn-ts. Each start reports
// its URL, the launch → first-200 time, and which pids are managers and which are workers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, childPids, killGroup, launch, msUntil200, sleep } from './throughput-proc.js';

const BIN = fileURLToPath(new URL('../../src/bin/gunicorn-ts.cjs', import.meta.url));

export interface Running {
  readonly url: string;
  readonly launchMs: number;
  /** Processes that serve no request (arbiter, cluster primary, PM2 daemon). */
  readonly managers: readonly number[];
  readonly workers: readonly number[];
  stop(): Promise<void>;
}

export interface Target {
  readonly name: string;
  start(port: number): Promise<Running>;
}

/** The hello-world app, shared by every target: a CommonJS request listener and a standalone server. */
export function writeApps(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'handler.cjs'), `module.exports = (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World\\n');
};
`);
  writeFileSync(join(dir, 'server.cjs'), `require('node:http').createServer(require('./handler.cjs')).listen(Number(process.env.PORT), '127.0.0.1');
`);
  writeFileSync(join(dir, 'cluster.cjs'), `const cluster = require('node:cluster');
cluster.schedulingPolicy = process.env.SCHED === 'none' ? cluster.SCHED_NONE : cluster.SCHED_RR;
if (cluster.isPrimary) { for (let i = 0; i < 2; i++) cluster.fork(); }
else require('./server.cjs');
`);
}

export async function spawned(dir: string, args: readonly string[], port: number, env: NodeJS.ProcessEnv, workersOf: (pid: number) => number[], expected: number): Promise<Running> {
  const url = `http://127.0.0.1:${port}/`;
  const t0 = performance.now();
  const child = launch(process.execPath, args, { cwd: dir, env: benchEnv({ PORT: String(port), ...env }) });
  const launchMs = await msUntil200(url, t0);
  // Every worker must be up before idle memory is read and load starts.
  for (let i = 0; i < 200 && workersOf(child.pid!).length < expected; i++) await sleep(25);
  await sleep(500);
  const workers = workersOf(child.pid!);
  return {
    url, launchMs, workers,
    managers: workers.includes(child.pid!) ? [] : [child.pid!],
    stop: async () => {
      killGroup(child);
      await sleep(200);
    },
  };
}

export function plainNode(dir: string): Target {
  return { name: 'node app.js', start: (port) => spawned(dir, ['server.cjs'], port, {}, (pid) => [pid], 1) };
}

export function nodeCluster(dir: string, sched: 'rr' | 'none'): Target {
  return { name: `cluster ${sched === 'rr' ? 'RR' : 'SCHED_NONE'}`, start: (port) => spawned(dir, ['cluster.cjs'], port, { SCHED: sched }, childPids, 2) };
}

/** `bin`: another build's dist/src/bin/gunicorn-ts.cjs, to compare two versions in one run. */
export function gunicornTs(dir: string, workers: number, bin = BIN, label = ''): Target {
  return {
    name: `gunicorn-ts -w ${workers}${label}`,
    start: (port) => spawned(dir, [bin, '-w', String(workers), '-b', `127.0.0.1:${port}`, 'handler.cjs'], port, {}, childPids, workers),
  };
}

/** PM2 from npm, installed once into `prefix`, with its own PM2_HOME; `pm2 kill` after each run. */
export function pm2(dir: string, prefix: string): Target {
  const bin = join(prefix, 'node_modules', 'pm2', 'bin', 'pm2');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    // npm keeps this machine's environment: the registry may need NODE_EXTRA_CA_CERTS.
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', 'pm2'], { stdio: 'inherit' });
  }
  const home = join(prefix, 'home');
  const env = benchEnv({ PM2_HOME: home });
  const run = (args: readonly string[], extra: NodeJS.ProcessEnv = {}): string =>
    execFileSync(process.execPath, [bin, ...args], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return {
    name: 'pm2 -i 2',
    start: async (port) => {
      const url = `http://127.0.0.1:${port}/`;
      const t0 = performance.now();
      run(['start', 'server.cjs', '-i', '2', '--name', 'bench'], { PORT: String(port) });
      const launchMs = await msUntil200(url, t0);
      await sleep(500);
      const daemon = Number(readFileSync(join(home, 'pm2.pid'), 'utf8'));
      const workers = (JSON.parse(run(['jlist'])) as { pid: number }[]).map((p) => p.pid);
      return {
        url, launchMs, workers, managers: [daemon],
        stop: async () => {
          run(['kill']);
          await sleep(200);
        },
      };
    },
  };
}
