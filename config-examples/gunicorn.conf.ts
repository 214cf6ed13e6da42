// An example gunicorn-ts configuration for a small production service.
// Check it without starting anything:   npx gunicorn-ts -c config-examples/gunicorn.conf.ts --check-config
// Run it:                               npx gunicorn-ts -c config-examples/gunicorn.conf.ts
//
// Every setting can also be given on the command line (which wins over this file) and is
// listed in docs/settings.md. Names are Gunicorn's; camelCase spellings work too.
import { cpus } from 'node:os';
import { defineConfig } from 'gunicorn-ts';

export default defineConfig({
  // The app: MODULE[:EXPORT], relative to this process's working directory.
  app: 'config-examples/apps/hello.ts:app',

  // Loopback only: put nginx (config-examples/nginx/) in front for the outside world.
  bind: ['127.0.0.1:8000'],
  backlog: 2048,

  // Node serves many connections per process; one worker per core is the usual start.
  workers: Math.max(2, cpus().length),
  worker_class: 'async',
  worker_connections: 1000,
  timeout: 30,
  graceful_timeout: 30,
  keepalive: 5,

  // Recycle workers to bound slow leaks, without ever dropping capacity:
  // a tired worker keeps serving until its replacement has served 10 requests.
  max_requests: 10000,
  max_requests_jitter: 1000,
  wait_for_new_workers: true,
  max_restarting_workers: 1,
  warmup_requests: 10,

  // Logs: errors to stderr, access log to stdout in Gunicorn's format.
  loglevel: 'info',
  accesslog: '-',

  // Hooks are plain functions; `server` and `worker` are typed.
  when_ready(server) {
    server.log.info(`ready with ${server.numWorkers} workers`);
  },
  post_fork(server, worker) {
    server.log.debug(`worker ${worker.id} started`, { pid: worker.pid });
  },
});
