// Puts bound sockets into LISTEN state from a one-shot child process, so that connections
// queue in the kernel from the start while the arbiter itself never polls (and so never
// accepts) them. If the arbiter called listen(), libuv would start accepting in the arbiter.
// It runs asynchronously, so the arbiter can load the rest of itself during the helper's start-up.
import { accessSync, constants } from 'node:fs';
import { spawn } from 'node:child_process';
import { getSystemErrorMap } from 'node:util';

// The helper is Perl where it can be: a whole Node start is ~35-45 ms of every launch, before
// the first worker can fork, against ~5-15 ms for Perl (spawn included). Debian's perl-base is
// Essential, so /usr/bin/perl is on every Debian and Ubuntu machine, node:*-slim images
// included. Only that fixed path is tried, never a PATH search: what runs at start must not
// depend on what an operator's PATH happens to hold. Where it is absent (Alpine, distroless),
// the Node helper does the same work.
const PERL = '/usr/bin/perl';

// Runs as `perl -e` with an empty environment (no PERL5OPT or PERL5LIB to load anything):
// takes each inherited fd as a handle and listens. Perl never accepts. It prints "fd errno" per
// failure, the errno as a number so that Node names it (util.getSystemErrorMap) exactly as the
// Node helper's errors are named.
const PERL_HELPER = `
my ($backlog, $count) = @ARGV;
my $failed = 0;
for my $fd (3 .. 2 + $count) {
  my $s;
  next if open($s, '+<&=', $fd) and listen($s, $backlog);
  print "$fd ", $! + 0, "\\n";
  $failed = 1;
}
exit $failed;
`;

// Runs as `node -e`: listen() on fds 3.. is synchronous, and exiting before the event loop
// turns means the helper can never accept a connection. Node errors come on nextTick.
const NODE_HELPER = `
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

/** Which program listens: Perl where /usr/bin/perl is executable, else Node. Tests choose. */
export type ListenProgram = 'perl' | 'node';

export function defaultListenProgram(): ListenProgram {
  try {
    accessSync(PERL, constants.X_OK);
    return 'perl';
  } catch {
    return 'node';
  }
}

export interface ListenFailure {
  fd: number;
  code: string;
  message: string;
}

/**
 * listen(backlog) on every fd. Resolves with the failures (empty when all listen).
 * Calling listen() on a socket that already listens only updates its backlog.
 */
export async function listenInHelper(
  fds: readonly number[],
  backlog: number,
  program: ListenProgram = defaultListenProgram(),
): Promise<ListenFailure[]> {
  if (fds.length === 0) return [];
  const result = await runHelper(program, fds, backlog);
  if (result.status === 0) return [];
  if (result.status === 1) {
    const failures = program === 'perl' ? parsePerlFailures(result.stdout) : parseNodeFailures(result.stdout);
    if (failures !== null) return failures.map((f) => ({ ...f, fd: fds[f.fd - 3] ?? f.fd }));
    // else report the raw output below
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

/** Lines of "fd errno", named as Node names a failed listen(): "listen EADDRINUSE: address already in use". */
function parsePerlFailures(stdout: string): ListenFailure[] | null {
  const errors = getSystemErrorMap();
  const failures: ListenFailure[] = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const match = /^(\d+) (\d+)$/.exec(line);
    if (!match) return null;
    const [name, description] = errors.get(-Number(match[2])) ?? [`errno ${match[2]}`, 'unknown error'];
    failures.push({ fd: Number(match[1]), code: name, message: `listen ${name}: ${description}` });
  }
  return failures.length > 0 ? failures : null;
}

function parseNodeFailures(stdout: string): ListenFailure[] | null {
  try {
    return JSON.parse(stdout) as ListenFailure[];
  } catch {
    return null;
  }
}

function runHelper(program: ListenProgram, fds: readonly number[], backlog: number): Promise<HelperResult> {
  return new Promise((resolve) => {
    // A minimal environment: for Node no NODE_OPTIONS (loaders would slow it or break it) and no
    // NODE_EXTRA_CA_CERTS (it costs ~70 ms per start here); for Perl no PERL5OPT or PERL5LIB.
    const [file, script] = program === 'perl' ? [PERL, PERL_HELPER] : [process.execPath, NODE_HELPER];
    const child = spawn(file, ['-e', script, String(backlog), String(fds.length)], {
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
