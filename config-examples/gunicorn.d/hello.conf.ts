// /etc/gunicorn.d/hello.conf.ts: one gunicorn-ts instance, started by gunicorn-ts-debian
// (or the systemd unit gunicorn-ts@hello.service). The tool adds --daemon, the pidfile
// /run/gunicorn-ts/hello.pid and the error log /var/log/gunicorn-ts/hello.log itself, so
// those settings are not allowed here. Check it with:
//   gunicorn-ts -c /etc/gunicorn.d/hello.conf.ts --check-config
import { fileURLToPath } from 'node:url';
// A type-only import: erased when the file is loaded, so /etc needs no gunicorn-ts package.
import type { GunicornConfig } from 'gunicorn-ts';

const settings: GunicornConfig = {
  // The app, relative to chdir. In a real deployment chdir is the app's own directory,
  // e.g. '/srv/hello'; this example keeps its app beside the instance file.
  app: 'hello.ts:app',
  chdir: fileURLToPath(new URL('./apps/', import.meta.url)),

  // nginx (config-examples/nginx/gunicorn-ts.conf) proxies to this socket.
  bind: ['unix:/run/gunicorn-ts/hello.sock'],
  workers: 2,

  // The arbiter stays root (it owns the socket, pidfile and log); workers run as www-data.
  user: 'www-data',
  group: 'www-data',

  // Variables for the workers, on top of the service's environment.
  raw_env: ['NODE_ENV=production', 'GREETING=hello from gunicorn-ts'],

  // A unix socket peer has no IP address, so only "*" trusts nginx's X-Forwarded-* headers.
  // That is safe only because the socket is reachable by nginx alone (see docs/operations.md).
  forwarded_allow_ips: '*',

  accesslog: '/var/log/gunicorn-ts/hello.access.log',
};

export default settings;
