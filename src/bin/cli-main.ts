// The gunicorn-ts command's program, bundled into one file (scripts/bundle.ts); bin/gunicorn-ts.cts
// loads it once Node's compile cache is on.
import { main } from '../cli.js';

async function start(): Promise<number> {
  // As PID 1 (a container without an init) orphans would stay zombies: tini takes PID 1 when
  // it is installed (container/pid1.ts). GUNICORN_TS_INIT=none keeps PID 1 for ourselves.
  if (process.pid === 1 && process.env['GUNICORN_TS_INIT'] !== 'none') {
    const { findInit, runUnderInit, NO_INIT_WARNING } = await import('../container/pid1.js');
    const init = findInit(process.env);
    if (init !== null) return runUnderInit(init, [process.execPath, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], process.env);
    process.stderr.write(NO_INIT_WARNING);
  }
  return main({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
}

// As a rejected top-level await would: an uncaught exception, exit code 1.
start().then((code) => { process.exitCode = code; }, (err: unknown) => process.nextTick(() => { throw err; }));
