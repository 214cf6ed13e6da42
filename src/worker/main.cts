// Entry point of a worker process, spawned by the arbiter with an IPC channel and the
// listening sockets as inherited fds. It installs a SIGUSR1 handler before loading anything
// else (with no handler, Node 20 opens its inspector on USR1), turns on Node's compile cache
// (compile-cache.cts), then requires the worker, which the build bundles into one file,
// through that bundle's own code cache (requireBundle()).
// CommonJS, as that bundle is (worker.cjs): an ES module entry would start Node's ES module
// loader in every worker, ~9 ms of CPU and ~0.4 MB on Node 20 (bench/README.md, "startup").
const early = (): void => undefined;
process.on('SIGUSR1', early);

const { enableCompileCache, requireBundle } = require('../compile-cache.cjs') as typeof import('../compile-cache.cjs');
enableCompileCache();
const { runWorker } = requireBundle(require.resolve('./worker.cjs')) as typeof import('./worker.js');
// As a rejected top-level await would: an uncaught exception, exit code 1.
runWorker(() => process.off('SIGUSR1', early)).catch((err: unknown) => process.nextTick(() => { throw err; }));
