#!/usr/bin/env node
// Entry point of the gunicorn-ts command.
import { main } from '../cli.js';

// Without a handler, Node answers SIGUSR1 by opening its inspector on port 9229; the arbiter
// installs the real handler (reopen logs) once it runs.
process.on('SIGUSR1', () => {});

const code = await main({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
process.exitCode = code;
