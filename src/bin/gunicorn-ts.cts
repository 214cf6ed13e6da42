#!/usr/bin/env node
// Entry point of the gunicorn-ts command. It turns on Node's compile cache (compile-cache.cts)
// and requires the program, bin/cli-main.ts, which the build bundles into one file, through
// that bundle's own code cache (requireBundle()).
// CommonJS, as that bundle is (cli-main.cjs): only a script can be compiled from a code cache,
// and an ES module entry started Node's ES module loader in every master, ~30 million
// instructions of its start on Node 20 (bench/README.md, "startup").

// Without a handler, Node answers SIGUSR1 by opening its inspector on port 9229; the arbiter
// installs the real handler (reopen logs) once it runs.
process.on('SIGUSR1', () => {});
const { enableCompileCache, requireBundle } = require('../compile-cache.cjs') as typeof import('../compile-cache.cjs');
enableCompileCache();
requireBundle(require.resolve('./cli-main.cjs'));
