// The subcommands of gunicorn-ts (`gunicorn-ts NAME ARGS...`): what --help says of each and
// how it runs. A subcommand's code is imported only when it runs; adding one is adding a row.
import type { SubcommandDoc } from '../config/render/help.js';

export interface SubcommandIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export interface Subcommand extends SubcommandDoc {
  run(argv: readonly string[], io: SubcommandIo): Promise<number>;
}

export const STATUS_SYNOPSIS = 'gunicorn-ts status (--pid FILE | --control-socket PATH) [--json]';

export const SUBCOMMANDS: ReadonlyMap<string, Subcommand> = new Map([
  ['status', {
    usage: STATUS_SYNOPSIS,
    summary: "Show each worker of a running server (pid, state, age, requests, memory) from its control socket; `status --help` for more.",
    run: async (argv, io) => (await import('../status/command.js')).statusCommand(argv, io),
  }],
]);
