// Entry point of a worker process, spawned by the arbiter with an IPC channel and the
// listening sockets as inherited fds. It installs a SIGUSR1 handler before loading anything
// else (with no handler, Node 20 opens its inspector on USR1), turns on Node's compile cache
// (compile-cache.ts), then imports the worker, which the build bundles into one file.
const early = (): void => undefined;
process.on('SIGUSR1', early);

const { enableCompileCache } = await import('../compile-cache.js');
enableCompileCache();
const { runWorker } = await import('./worker.js');
await runWorker(() => process.off('SIGUSR1', early));
