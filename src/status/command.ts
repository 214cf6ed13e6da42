// `gunicorn-ts status`: finds the master's control socket (from --control-socket, or from
// --pid FILE as FILE.ctl), asks it for the status and prints a table, or JSON with --json.
// Exit status: 0 answered, 2 bad usage, 3 no master reachable, 4 permission denied, 1 other.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { controlSocketPath } from './control-socket.js';
import { requestStatus, StatusError } from './client.js';
import { formatStatus } from './format.js';
import { STATUS_SYNOPSIS } from '../commands/subcommands.js';

export const STATUS_USAGE = `usage: ${STATUS_SYNOPSIS}

Prints the master's workers: pid, state, age, requests served, resident memory, last heartbeat.
  -p, --pid FILE             the master's pidfile; its control socket is FILE.ctl
  --control-socket PATH      the master's control socket (the control_socket setting)
  --json                     print the status as JSON
  -h, --help                 show this help`;

const USAGE_ERROR = 2;

export interface StatusIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

interface StatusArgs {
  readonly socket: string;
  readonly pidfile: string | null;
  readonly json: boolean;
}

function parse(argv: readonly string[], cwd: string): StatusArgs | 'help' {
  let values: { pid?: string; 'control-socket'?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        pid: { type: 'string', short: 'p' },
        'control-socket': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new StatusError(`${(err as Error).message}\n${STATUS_USAGE}`, USAGE_ERROR);
  }
  if (values.help === true) return 'help';
  const socket = controlSocketPath(values['control-socket'] ?? null, values.pid ?? null, cwd);
  if (socket === null) throw new StatusError(`give --pid FILE or --control-socket PATH\n${STATUS_USAGE}`, USAGE_ERROR);
  return { socket, pidfile: values.pid === undefined ? null : resolve(cwd, values.pid), json: values.json === true };
}

/** A pidfile that is missing says more than the missing socket next to it. */
function checkPidfile(path: string): void {
  try {
    readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StatusError(code === 'ENOENT'
      ? `no pidfile at ${path}: is gunicorn-ts running with --pid ${path}?`
      : `cannot read pidfile ${path}: ${(err as Error).message}`);
  }
}

/** Runs the command; returns the exit status. */
export async function statusCommand(argv: readonly string[], io: StatusIo): Promise<number> {
  try {
    const args = parse(argv, io.cwd);
    if (args === 'help') {
      io.out(`${STATUS_USAGE}\n`);
      return 0;
    }
    if (args.pidfile !== null && args.socket === `${args.pidfile}.ctl`) checkPidfile(args.pidfile);
    const report = await requestStatus(args.socket);
    io.out(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    io.err(`gunicorn-ts status: ${err.message}\n`);
    return err.exitCode;
  }
}
