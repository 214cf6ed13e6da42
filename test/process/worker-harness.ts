// A mini-arbiter for worker process tests: binds a real socket with the arbiter's own
// sockets module, spawns dist/src/worker/main.js with it as fd 4 and an IPC channel,
// sends init, and records every message and the exit. Callers kill() in `after`.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bindAll, type ListeningSocket } from '../../src/arbiter/sockets/index.js';
import { isFromWorker, type FromWorker, type JsonValue, type WorkerInit } from '../../src/ipc/messages.js';

export const WORKER_MAIN = fileURLToPath(new URL('../../src/worker/main.js', import.meta.url));
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
  readonly settings: Record<string, JsonValue>;
  readonly maxRequests?: number;
  readonly configFile?: string | null;
  /** Skip sending init (to test what happens before it). */
  readonly noInit?: boolean;
}

export function spawnWorker(socket: ListeningSocket, opts: SpawnOptions): WorkerProc {
  const env = { ...process.env };
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
  if (!opts.noInit) {
    const init: WorkerInit = {
      type: 'init', id: 0, generation: 1, maxRequests: opts.maxRequests ?? 0,
      sockets: [{ fd: 4, address: socket.label }],
      settings: opts.settings, configFile: opts.configFile ?? null,
    };
    child.send(init);
  }
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
