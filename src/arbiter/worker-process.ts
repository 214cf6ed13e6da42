// Starting one worker process: the same Node binary and execArgv as the arbiter, the
// listening sockets as inherited fds (index 4 onwards: 3 is the IPC channel), and the
// WorkerInit message. The arbiter's record of the worker lives in the policy, not here.
import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InheritedSocket, WorkerInit } from '../ipc/messages.js';
import type { WorkerConfig } from '../config/worker-config.js';
import type { ListeningSocket } from './sockets/index.js';

export const WORKER_ENTRY = fileURLToPath(new URL('../worker/main.cjs', import.meta.url));
const FIRST_SOCKET_FD = 4;

/** The init message's content, plus how to start the process. */
export interface WorkerSpawnSpec extends Pick<WorkerInit<WorkerConfig>, 'id' | 'generation' | 'maxRequests' | 'settings' | 'hooks'> {
  readonly sockets: readonly ListeningSocket[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** capture_output: the worker's stdout/stderr come back as pipes for the error log. */
  readonly captureOutput: boolean;
}

export function spawnWorker(spec: WorkerSpawnSpec): ChildProcess {
  const stdio: StdioOptions = [
    'ignore',
    spec.captureOutput ? 'pipe' : 'inherit',
    spec.captureOutput ? 'pipe' : 'inherit',
    'ipc',
    ...spec.sockets.map((s) => s.handle as never),
  ];
  const child = spawn(process.execPath, [...process.execArgv, WORKER_ENTRY], { stdio, env: spec.env, cwd: spec.cwd });
  const sockets: InheritedSocket[] = spec.sockets.map((s, i) => ({ fd: FIRST_SOCKET_FD + i, address: s.label }));
  const init: WorkerInit<WorkerConfig> = {
    type: 'init',
    id: spec.id,
    generation: spec.generation,
    maxRequests: spec.maxRequests,
    sockets,
    settings: spec.settings,
    hooks: spec.hooks,
  };
  // A worker that dies before reading init makes send() fail; the exit event reports it.
  if (child.pid !== undefined) child.send(init, (err) => void err);
  return child;
}
