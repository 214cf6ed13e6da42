// A mini-arbiter for worker process tests: binds a real socket with the arbiter's own
// sockets module, spawns dist/src/worker/main.cjs with it as fd 4 and an IPC channel,
// sends init, and records every message and the exit. Callers kill() in `after`. The init
// message is built as the arbiter builds it: settings resolved through the registry (the
// test's values as a command-line layer over the optional config file), hooks by config text.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bindAll, type ListeningSocket } from '../../src/arbiter/sockets/index.js';
import { workerHookSource } from '../../src/arbiter/worker-hook-source.js';
import { workerEnvironment } from '../../src/arbiter/worker-env.js';
import { resolveLayers } from '../../src/config/load.js';
import type { Layer } from '../../src/config/source-ref.js';
import { readConfigFile } from '../../src/config/sources/config-file.js';
import { workerConfig, type WorkerConfig } from '../../src/config/worker-config.js';
import { isFromWorker, type FromWorker, type WorkerInit } from '../../src/ipc/messages.js';

export const WORKER_MAIN = fileURLToPath(new URL('../../src/worker/main.cjs', import.meta.url));
export const FIXTURE_APPS = fileURLToPath(new URL('../../../test/fixtures/apps/', import.meta.url));

export async function bindLocal(): Promise<{ socket: ListeningSocket; url: string }> {
  const [socket] = await bindAll(['127.0.0.1:0'], { backlog: 128, umask: 0o22 });
  if (!socket || socket.address.kind !== 'tcp') throw new Error('bind failed');
  return { socket, url: `http://127.0.0.1:${socket.address.port}` };
}

export interface WorkerProc {
  readonly child: ChildProcess;
  readonly messages: FromWorker[];
  stderr(): string;
  /** Resolves with the first message of `type` (already received or future). */
  waitFor<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export interface SpawnOptions {
  /** Settings by snake_case name, over the registry's defaults (and the config file's values). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly maxRequests?: number;
  readonly configFile?: string | null;
  /** Skip sending init (to test what happens before it). */
  readonly noInit?: boolean;
}

/** The init message the arbiter would send for these settings and config file. */
export async function initMessage(socket: ListeningSocket, opts: SpawnOptions): Promise<WorkerInit<WorkerConfig>> {
  const layers: Layer[] = [{ source: { kind: 'cli' }, values: new Map(Object.entries(opts.settings)) }];
  const configFile = opts.configFile ?? null;
  if (configFile !== null) layers.push({ source: { kind: 'file', file: configFile }, values: await readConfigFile(configFile) });
  const { config, sources } = resolveLayers(layers);
  const loaded = { config, sources, configFile, warnings: [], ...(configFile === null ? {} : { configText: readFileSync(configFile, 'utf8') }) };
  return {
    type: 'init', id: 0, generation: 1, maxRequests: opts.maxRequests ?? 0,
    sockets: [{ fd: 4, address: socket.label }],
    settings: workerConfig(config), hooks: workerHookSource(loaded),
  };
}

export function spawnWorker(socket: ListeningSocket, opts: SpawnOptions): WorkerProc {
  // raw_env reaches a worker through the environment the arbiter spawns it with.
  const rawEnv = opts.settings['raw_env'];
  const env = workerEnvironment(process.env, Array.isArray(rawEnv) ? rawEnv.map(String) : []);
  delete env['NODE_EXTRA_CA_CERTS'];
  const child = spawn(process.execPath, [WORKER_MAIN], {
    cwd: FIXTURE_APPS,
    env,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc', socket.fd],
  });
  const messages: FromWorker[] = [];
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const waiters: { type: string; resolve: (m: FromWorker) => void }[] = [];
  child.on('message', (msg: unknown) => {
    if (!isFromWorker(msg)) return;
    messages.push(msg);
    for (const w of waiters.filter((x) => x.type === msg.type)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(msg);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })));
  // A settings or config error surfaces as the test's failure, never as a silent worker.
  if (!opts.noInit) void initMessage(socket, opts).then((init) => child.send(init));
  return {
    child, messages, exited,
    stderr: () => err,
    waitFor: <T extends FromWorker['type']>(type: T) => new Promise<Extract<FromWorker, { type: T }>>((resolve, reject) => {
      const found = messages.find((m) => m.type === type);
      if (found) return resolve(found as Extract<FromWorker, { type: T }>);
      waiters.push({ type, resolve: resolve as (m: FromWorker) => void });
      void exited.then(({ code, signal }) => reject(new Error(`worker exited (${code ?? signal}) before "${type}"; stderr:\n${err}`)));
    }),
    kill: () => { if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL'); },
  };
}
