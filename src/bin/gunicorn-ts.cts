#!/usr/bin/env node
// Entry point of the gunicorn-ts command. It turns on Node's compile cache (compile-cache.cts)
// and requires the program, bin/cli-main.ts, which the build bundles into one file, through
// that bundle's own code cache (requireBundle()).
// CommonJS, as that bundle is (cli-main.cjs): an ES module entry would start Node's ES module
// loader in every master, ~7 ms of CPU and ~2 MB on Node 20 (bench/README.md, "startup").

// Without a handler, Node answers SIGUSR1 by opening its inspector on port 9229; the arbiter
// installs the real handler (reopen logs) once it runs.
process.on('SIGUSR1', () => {});
const { enableCompileCache, requireBundle } = require('../compile-cache.cjs') as typeof import('../compile-cache.cjs');
enableCompileCache();
requireBundle(require.resolve('./cli-main.cjs'));
