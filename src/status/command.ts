// `gunicorn-ts status`: the shortcut for `ctl -c "show workers"`. Prints the master and a
// table of its workers (pid, state, age, requests, CPU, memory, last heartbeat), or JSON with
// --json; --watch redraws it every interval like top until interrupted.
// Exit status: 0 answered, 2 bad usage, 3 no master reachable, 4 permission denied, 1 other.
import { ControlClient, StatusError } from './client.js';
import { formatAnswer } from './answer.js';
import { parseOptions, socketFromArgs, USAGE_ERROR, type CommandIo } from './socket-args.js';

export const STATUS_USAGE = `usage: gunicorn-ts status [-s SOCKET | --control-socket PATH | -p FILE] [--json] [--watch [SECONDS]]

Prints the master's workers: pid, state, age, requests served, CPU, resident memory, last
heartbeat, and the master's restart counts (the same as gunicorn-ts ctl -c "show workers").
  -s, --control-socket PATH  the master's control socket (default: as gunicorn-ts ctl)
  -p, --pid FILE             the master's pidfile; its control socket is FILE.ctl
  --json                     print the status as JSON
  -w, --watch [SECONDS]      redraw every SECONDS (default 1) until interrupted
  -h, --help                 show this help`;

/** Clear the screen and go home: a terminal redraws in place. */
const REDRAW = '\u001b[H\u001b[2J';

interface StatusArgs {
  readonly socket: string;
  readonly json: boolean;
  /** Seconds between redraws, or null for one answer. */
  readonly watch: number | null;
}

/** `--watch` takes an optional number: `--watch`, `--watch 2`, `--watch=0.5`. */
function splitWatch(argv: readonly string[]): { rest: string[]; watch: number | null } {
  const rest: string[] = [];
  let watch: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const inline = /^--watch=(.*)$/.exec(arg);
    if (arg !== '--watch' && arg !== '-w' && inline === null) {
      rest.push(arg);
      continue;
    }
    let value = inline?.[1];
    if (value === undefined && argv[i + 1] !== undefined && /^\d/.test(argv[i + 1]!)) value = argv[++i];
    const seconds = value === undefined ? 1 : Number(value);
    if (!(seconds >= 0.1)) throw new StatusError(`--watch: expected seconds >= 0.1, got ${JSON.stringify(value)}\n${STATUS_USAGE}`, USAGE_ERROR);
    watch = seconds;
  }
  return { rest, watch };
}

function parse(argv: readonly string[], io: CommandIo): StatusArgs | 'help' {
  const { rest, watch } = splitWatch(argv);
  const values = parseOptions(rest, {
    pid: { type: 'string', short: 'p' },
    'control-socket': { type: 'string', short: 's' },
    json: { type: 'boolean', short: 'j' },
    help: { type: 'boolean', short: 'h' },
  }, STATUS_USAGE);
  if (values.help === true) return 'help';
  const socket = socketFromArgs({ socket: values['control-socket'], pid: values.pid }, io, STATUS_USAGE);
  return { socket, json: values.json === true, watch };
}

async function render(client: ControlClient, args: StatusArgs, io: CommandIo): Promise<string> {
  const data = await client.send('show workers');
  return args.json ? JSON.stringify(data, null, 2) : formatAnswer('show workers', data, { colour: io.colour });
}

/** Redraws until SIGINT/SIGTERM (exit 0) or until the master goes away. */
async function watchLoop(client: ControlClient, args: StatusArgs, io: CommandIo): Promise<number> {
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = (): void => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (;;) {
      const frame = await render(client, args, io);
      const stamp = `every ${args.watch}s, ${new Date().toISOString().slice(11, 19)}, Ctrl-C to leave`;
      io.out(io.terminal ? `${REDRAW}${frame}\n\n${stamp}\n` : `${frame}\n\n`);
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), args.watch! * 1000)));
      const outcome = await Promise.race([tick, stopped.then(() => 'stop' as const)]);
      clearTimeout(timer);
      if (outcome === 'stop') return 0;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Runs the command; returns the exit status. */
export async function statusCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let client: ControlClient | null = null;
  try {
    const args = parse(argv, io);
    if (args === 'help') {
      io.out(`${STATUS_USAGE}\n`);
      return 0;
    }
    client = await ControlClient.connect(args.socket);
    if (args.watch !== null) return await watchLoop(client, args, io);
    io.out(`${await render(client, args, io)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    io.err(`gunicorn-ts status: ${err.message}\n`);
    return err.exitCode;
  } finally {
    client?.close();
  }
}
