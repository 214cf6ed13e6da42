// The command lines of `ctl` and `status`: their options, parsed strictly with the usage on
// error (exit 2), and where they find the master's control socket: -s/--socket (or status's
// --control-socket), else --pid FILE as FILE.ctl (checking the pidfile, which says more when
// missing), else Gunicorn 26's default path.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StatusError } from './client.js';
import { defaultControlSocket } from './control-socket.js';

export interface CommandIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Colour the output (stdout is a terminal and NO_COLOR is unset). */
  readonly colour: boolean;
  /** Is stdout a terminal (a live view redraws in place)? */
  readonly terminal: boolean;
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Exit status of a command line that cannot be understood (as argparse's). */
export const USAGE_ERROR = 2;

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
type StrictConfig<O extends ParseArgsOptionsConfig> = { args: string[]; options: O; strict: true; allowPositionals: false };
type OptionValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<StrictConfig<O>>>['values'];

/** Options only, no positionals; an unknown or malformed one fails with `usage` and exit 2. */
export function parseOptions<const O extends ParseArgsOptionsConfig>(args: readonly string[], options: O, usage: string): OptionValues<O> {
  try {
    return parseArgs<StrictConfig<O>>({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new StatusError(`${(err as Error).message}\n${usage}`, USAGE_ERROR);
  }
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

export function socketFromArgs(values: { socket?: string | undefined; pid?: string | undefined }, io: CommandIo, usage: string): string {
  if (values.socket !== undefined) return resolve(io.cwd, values.socket);
  if (values.pid !== undefined) {
    const pidfile = resolve(io.cwd, values.pid);
    checkPidfile(pidfile);
    return `${pidfile}.ctl`;
  }
  const fallback = defaultControlSocket(io.env);
  if (fallback === null) throw new StatusError(`give -s SOCKET or --pid FILE (no XDG_RUNTIME_DIR or HOME for the default socket)\n${usage}`, 2);
  return fallback;
}
