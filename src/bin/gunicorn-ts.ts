#!/usr/bin/env node
// Entry point of the gunicorn-ts command. It turns on Node's compile cache (compile-cache.cts)
// before it imports the program, bin/cli-main.ts, which the build bundles into one file.
import { enableCompileCache } from '../compile-cache.cjs';

// Without a handler, Node answers SIGUSR1 by opening its inspector on port 9229; the arbiter
// installs the real handler (reopen logs) once it runs.
process.on('SIGUSR1', () => {});
enableCompileCache();
await import('./cli-main.js');
