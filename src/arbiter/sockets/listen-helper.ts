// Puts bound sockets into LISTEN state from a one-shot child process, so that connections
// queue in the kernel from the start while the arbiter itself never polls (and so never
// accepts) them. If the arbiter called listen(), libuv would start accepting in the arbiter.
// It runs asynchronously, so the arbiter can load the rest of itself during the helper's start-up.
import { spawn } from 'node:child_process';

// Runs as `node -e`: listen() on fds 3.. is synchronous, and exiting before the event loop
// turns means the helper can never accept a connection. Node errors come on nextTick.
const HELPER = `
const net = require('node:net');
const backlog = Number(process.argv[1]), count = Number(process.argv[2]);
const failures = [];
for (let i = 0; i < count; i++) {
  const fd = 3 + i, server = net.createServer();
  server.on('error', (e) => failures.push({ fd, code: e.code, message: e.message }));
  server.listen({ fd }, backlog);
}
process.nextTick(() => {
  if (failures.length > 0) { process.stdout.write(JSON.stringify(failures)); process.exit(1); }
  process.exit(0);
});
`;

export interface ListenFailure {
  fd: number;
  code: string;
  message: string;
}

/**
 * listen(backlog) on every fd. Resolves with the failures (empty when all listen).
 * Calling listen() on a socket that already listens only updates its backlog.
 */
export async function listenInHelper(fds: readonly number[], backlog: number): Promise<ListenFailure[]> {
  if (fds.length === 0) return [];
  const result = await runHelper(fds, backlog);
  if (result.status === 0) return [];
  if (result.status === 1) {
    try {
      const failures = JSON.parse(result.stdout) as ListenFailure[];
      return failures.map((f) => ({ ...f, fd: fds[f.fd - 3] ?? f.fd }));
    } catch {
      // fall through: report the raw output below
    }
  }
  const why = result.error?.message ?? `exit ${result.status ?? result.signal}: ${result.stderr.trim() || result.stdout.trim()}`;
  return fds.map((fd) => ({ fd, code: 'EHELPER', message: `the listen helper failed (${why})` }));
}

interface HelperResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: Error;
}

function runHelper(fds: readonly number[], backlog: number): Promise<HelperResult> {
  return new Promise((resolve) => {
    // A minimal environment: no NODE_OPTIONS (loaders would slow it or break it) and no
    // NODE_EXTRA_CA_CERTS (it costs ~70 ms per start here).
    const child = spawn(process.execPath, ['-e', HELPER, String(backlog), String(fds.length)], {
      stdio: ['ignore', 'pipe', 'pipe', ...fds],
      env: {},
      timeout: 30_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    const done = (status: number | null, signal: NodeJS.Signals | null, error?: Error): void =>
      resolve({ status, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ...(error ? { error } : {}) });
    // A failed spawn reports 'error' (and may never 'close'); otherwise 'close' comes after
    // the exit and after both pipes ended. The promise settles on the first of the two.
    child.once('error', (e) => done(null, null, e));
    child.once('close', (status, signal) => done(status, signal));
  });
}
