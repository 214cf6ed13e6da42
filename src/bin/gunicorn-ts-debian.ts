#!/usr/bin/env node
// Entry point of the gunicorn-ts-debian command (one gunicorn-ts per /etc/gunicorn.d file).
import { debianMain } from '../debian/cli.js';

// `run` hosts an arbiter in this process: keep Node from opening its inspector on SIGUSR1
// before the arbiter installs its own handler (reopen logs), as gunicorn-ts does.
process.on('SIGUSR1', () => {});

process.exitCode = await debianMain(process.argv.slice(2), process.env, process.cwd());
