#!/usr/bin/env node
// Entry point of the gunicorn-ts command.
import { enableCompileCache } from '../compile-cache.js';

enableCompileCache();

// Without a handler, Node answers SIGUSR1 by opening its inspector on port 9229; the arbiter
// installs the real handler (reopen logs) once it runs.
process.on('SIGUSR1', () => {});

// Imported after the compile cache is on, so the CLI's modules use it.
const { main } = await import('../cli.js');
const code = await main({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
process.exitCode = code;
