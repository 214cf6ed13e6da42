// The gunicorn-ts-debian command line: `COMMAND [NAME...]` with the directory overrides.
// Parses, dispatches to commands.ts, and turns errors into a message and an exit status
// (2 for usage errors), never a stack trace.
import { parseArgs } from 'node:util';
import { GunicornError } from '../errors.js';
import { PasteError } from '../paste/index.js';
import * as commands from './commands.js';
import type { CommandContext } from './commands.js';
import { DEFAULT_PATHS, resolvePaths } from './paths.js';

export const USAGE = `Usage: gunicorn-ts-debian [OPTIONS] COMMAND [NAME...]

Manages one gunicorn-ts server per instance file in the config directory
(NAME.conf.ts, .conf.js, .json, .ini for a Paste INI file, or Debian's legacy
Python CONFIG = {...} file NAME). Every other file there is named as skipped.

Commands:
  start     validate every selected instance file, then start each as a daemon
  stop      send SIGTERM to each instance and wait for it to exit
  reload    send SIGHUP to each instance (new workers, new configuration)
  restart   validate, stop, then start
  status    print each instance's state; exit 3 if one is not running
  check     validate each instance file and load its app (gunicorn-ts --check-config)
  run NAME  run one instance in the foreground (for systemd units)
  convert NAME  print the NAME.conf.ts equivalent to Debian's legacy
            CONFIG = {...} file NAME (save it, then remove the old file)

Options:
  --config-dir DIR   instance files [string] [default: ${DEFAULT_PATHS.configDir}]
  --run-dir DIR      pidfiles NAME.pid [string] [default: ${DEFAULT_PATHS.runDir}]
  --log-dir DIR      error logs NAME.log [string] [default: ${DEFAULT_PATHS.logDir}]
  --timeout SECONDS  wait at most this long for one instance to start or stop
                     [number] [default: 60]
  -h, --help         show this help

Examples:
  gunicorn-ts-debian start
      validate every instance file, then start each instance as a daemon
  gunicorn-ts-debian reload api
      new workers with the new configuration for the instance api.conf.ts
  gunicorn-ts-debian --config-dir ./gunicorn.d check
      validate the instance files of a project directory (for CI)
`;

export const COMMANDS = ['start', 'stop', 'reload', 'restart', 'status', 'check', 'run', 'convert'] as const;
type Command = (typeof COMMANDS)[number];

class UsageError extends Error {}

interface Parsed {
  readonly command: Command | 'help';
  readonly names: string[];
  readonly ctx: Omit<CommandContext, 'out' | 'err' | 'env'>;
}

export function parseCommandLine(argv: readonly string[], cwd: string): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'config-dir': { type: 'string' },
        'run-dir': { type: 'string' },
        'log-dir': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const timeout = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout: ${JSON.stringify(values.timeout)} is not a positive number of seconds`);
  const paths = resolvePaths({ configDir: values['config-dir'], runDir: values['run-dir'], logDir: values['log-dir'] }, cwd);
  const ctx = { paths, timeoutMs: timeout * 1000 };
  if (values.help === true) return { command: 'help', names: [], ctx };
  const [command, ...names] = positionals;
  if (command === undefined) throw new UsageError('a command is required');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}" (expected ${COMMANDS.join(', ')})`);
  return { command: command as Command, names, ctx };
}

const HANDLERS: Readonly<Record<Command, (ctx: CommandContext, names: readonly string[]) => number | Promise<number>>> = {
  start: commands.start,
  stop: commands.stop,
  reload: commands.reload,
  restart: commands.restart,
  status: commands.status,
  check: commands.check,
  run: commands.run,
  convert: commands.convert,
};

export async function debianMain(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const err = (line: string): void => void process.stderr.write(`gunicorn-ts-debian: ${line}\n`);
  try {
    const parsed = parseCommandLine(argv, cwd);
    if (parsed.command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    return await HANDLERS[parsed.command]({ ...parsed.ctx, env, out, err }, parsed.names);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof GunicornError || e instanceof PasteError) {
      err(`error: ${e.message}`);
      return e instanceof GunicornError ? e.exitCode : 1;
    }
    throw e;
  }
}
