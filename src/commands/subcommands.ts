// The subcommands of gunicorn-ts (`gunicorn-ts NAME ARGS...`): what --help says of each and
// how it runs. A subcommand's code is imported only when it runs; adding one is adding a row.
import type { SubcommandDoc } from '../config/render/help.js';
import type { CommandIo } from '../status/socket-args.js';

export interface Subcommand extends SubcommandDoc {
  /** `io`: the working directory, environment and terminal the subcommand reads and writes. */
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

const STATUS_SYNOPSIS = 'gunicorn-ts status [-s SOCKET | -p FILE] [--json] [--watch [SECONDS]]';
const CTL_SYNOPSIS = 'gunicorn-ts ctl [-s SOCKET | -p PIDFILE] [-c COMMAND] [-j]';

export const SUBCOMMANDS: ReadonlyMap<string, Subcommand> = new Map([
  ['status', {
    usage: STATUS_SYNOPSIS,
    summary: "Show each worker of a running server (pid, state, age, requests, CPU, memory) from its control socket; `--watch` redraws it like top; `status --help` for more.",
    run: async (argv, io) => (await import('../status/command.js')).statusCommand(argv, io),
  }],
  ['ctl', {
    usage: CTL_SYNOPSIS,
    summary: "Send Gunicorn 26's control commands (show, worker add/remove/kill, reload, reopen, shutdown) to a running server; interactive without `-c`; `ctl --help` for more.",
    run: async (argv, io) => (await import('../status/ctl.js')).ctlCommand(argv, io),
  }],
]);
