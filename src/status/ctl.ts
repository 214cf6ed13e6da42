// `gunicorn-ts ctl [-s SOCKET] [-c COMMAND] [-j]`: Gunicorn 26's gunicornc for gunicorn-ts.
// With -c it sends one command and exits; without, it reads commands line by line (a prompt
// on a terminal, plain lines from a pipe) until quit/exit or the end of input.
// Exit status: 0 done, 1 the master refused or failed a command, 2 bad usage, 3 no master, 4 permission.
import { createInterface } from 'node:readline';
import { ControlClient, StatusError } from './client.js';
import { failureOf, formatAnswer } from './answer.js';
import { parseOptions, socketFromArgs, type CommandIo } from './socket-args.js';

export const CTL_USAGE = `usage: gunicorn-ts ctl [-s SOCKET | -p PIDFILE] [-c COMMAND] [-j]

Talks to a running master through its control socket (Gunicorn 26's gunicornc commands).
  -s, --socket SOCKET    the control socket (default: $XDG_RUNTIME_DIR/gunicorn.ctl,
                         else $HOME/.gunicorn/gunicorn.ctl)
  -p, --pid FILE         the master's pidfile; its control socket is FILE.ctl
  -c, --command COMMAND  run one command and exit (else: interactive)
  -j, --json             print answers as JSON
  -h, --help             show this help
Commands: show all|workers|stats|config|listeners, worker add [N], worker remove [N],
worker kill PID, reload, reopen, shutdown [graceful|quick], help.`;

const QUIT = new Set(['quit', 'exit', 'q']);

interface CtlArgs {
  readonly socket: string;
  readonly command: string | null;
  readonly json: boolean;
}

function parse(argv: readonly string[], io: CommandIo): CtlArgs | 'help' {
  const values = parseOptions(argv, {
    socket: { type: 'string', short: 's' },
    pid: { type: 'string', short: 'p' },
    command: { type: 'string', short: 'c' },
    json: { type: 'boolean', short: 'j' },
    help: { type: 'boolean', short: 'h' },
  }, CTL_USAGE);
  if (values.help === true) return 'help';
  const socket = socketFromArgs({ socket: values.socket, pid: values.pid }, io, CTL_USAGE);
  return { socket, command: values.command ?? null, json: values.json === true };
}

async function answer(client: ControlClient, command: string, args: CtlArgs, io: CommandIo): Promise<boolean> {
  const data = await client.send(command);
  io.out(`${args.json ? JSON.stringify(data, null, 2) : formatAnswer(command, data, { colour: io.colour })}\n`);
  return failureOf(data) === null;
}

async function interactive(client: ControlClient, args: CtlArgs, io: CommandIo): Promise<number> {
  const stdin = io.stdin ?? process.stdin;
  const terminal = stdin.isTTY === true;
  if (terminal) io.out(`Connected to ${args.socket}\nType 'help' for available commands, 'quit' to exit.\n\n`);
  const lines = createInterface({ input: stdin, output: terminal ? process.stdout : undefined, terminal, prompt: 'gunicorn-ts> ' });
  let code = 0;
  if (terminal) lines.prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (QUIT.has(line.toLowerCase())) break;
    if (line !== '') {
      try {
        if (!(await answer(client, line, args, io))) code = 1;
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        io.err(`error: ${err.message}\n`);
        code = err.exitCode;
        if (err.exitCode !== 1) break; // the connection is gone
      }
    }
    if (terminal) lines.prompt();
  }
  lines.close();
  return code;
}

export async function ctlCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let client: ControlClient | null = null;
  try {
    const args = parse(argv, io);
    if (args === 'help') {
      io.out(`${CTL_USAGE}\n`);
      return 0;
    }
    client = await ControlClient.connect(args.socket);
    if (args.command === null) return await interactive(client, args, io);
    return (await answer(client, args.command, args, io)) ? 0 : 1;
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    io.err(`gunicorn-ts ctl: ${err.message}\n`);
    return err.exitCode;
  } finally {
    client?.close();
  }
}
