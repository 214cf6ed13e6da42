// The gunicorn-ts command: argv → configuration → one of help, version, --print-config,
// --check-config, or the arbiter. Holds no other logic; errors become a message and an
// exit status, never a stack trace. Each path imports only what it needs: `--version` loads
// no settings, and the arbiter never loads --print-config or --check-config.
import type { LoadInputs } from './config/load.js';
import { GunicornError } from './errors.js';
import { SUBCOMMANDS } from './commands/subcommands.js';
import { VERSION } from './version.js';

function printVersion(): number {
  process.stdout.write(`gunicorn-ts ${VERSION} (Node ${process.version})\n`);
  return 0;
}

async function run(inputs: LoadInputs): Promise<number> {
  // `--version` alone is answered before the settings registry and yargs are loaded (~250 ms).
  if (inputs.argv.length === 1 && inputs.argv[0] === '--version') return printVersion();
  const { loadConfig } = await import('./config/load.js');
  const result = await loadConfig(inputs);
  if (result.kind === 'help') {
    const [{ renderHelp }, { SETTINGS }] = await Promise.all([import('./config/render/help.js'), import('./config/registry.js')]);
    process.stdout.write(`${renderHelp(SETTINGS, SUBCOMMANDS, process.stdout.columns)}\n`);
    return 0;
  }
  if (result.kind === 'version') return printVersion();
  if (result.warnings.length > 0) (await import('./preflight/warnings.js')).printWarnings(result.warnings);
  if (result.config.print_config) {
    const { formatConfig } = await import('./config/print-config.js');
    process.stdout.write(formatConfig(result.config, result.sources));
    // The socket a start would use, defaults and pidfile applied (gunicorn-ts ctl finds it there).
    const { controlSocketPlace } = await import('./status/control-socket.js');
    const place = controlSocketPlace(result.config, inputs.cwd, inputs.env);
    process.stdout.write(`# control socket in use: ${place === null ? 'none' : `${place.path} (${place.origin})`}\n`);
    return 0;
  }
  if (result.config.check_config) {
    const { checkConfig } = await import('./commands/check-config.js');
    process.stdout.write(`${await checkConfig(result, inputs.cwd, inputs.env)}\n`);
    return 0;
  }
  const { runArbiter } = await import('./arbiter/run.js');
  return runArbiter(result, inputs);
}

export async function main(inputs: LoadInputs): Promise<number> {
  // A subcommand (`gunicorn-ts status ...`, `ctl ...`) talks to a running master; it reads no configuration.
  const subcommand = SUBCOMMANDS.get(inputs.argv[0] ?? '');
  if (subcommand !== undefined) {
    const write = (stream: NodeJS.WriteStream) => (text: string): void => void stream.write(text);
    const terminal = process.stdout.isTTY === true;
    return subcommand.run(inputs.argv.slice(1), {
      cwd: inputs.cwd, env: inputs.env, out: write(process.stdout), err: write(process.stderr),
      terminal, colour: terminal && (inputs.env['NO_COLOR'] ?? '') === '',
    });
  }
  try {
    return await run(inputs);
  } catch (err) {
    if (err instanceof GunicornError) {
      process.stderr.write(`gunicorn-ts: error: ${err.message}\n`);
      return err.exitCode;
    }
    // Anything else is still reported as one line (bad input must never show a stack trace);
    // GUNICORN_TS_DEBUG=1 shows the stack for bug reports.
    const message = err instanceof Error ? err.message : String(err);
    const stack = inputs.env['GUNICORN_TS_DEBUG'] === '1' && err instanceof Error ? `\n${err.stack}` : '';
    process.stderr.write(`gunicorn-ts: error: ${message}${stack}\n`);
    return 1;
  }
}
