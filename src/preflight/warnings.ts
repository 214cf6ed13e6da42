// What a start says but does not refuse: settings it accepts yet cannot honour as written
// (reuse_port on an older Node, threads, an ssl_context without TLS). Part of the one
// preflight, so --check-config and a real start print the same lines; a reload logs them.
import type { Config } from '../config/registry.js';
import { REUSE_PORT_UNSUPPORTED, reusePortSupported } from '../node-features.js';

type Warning = (config: Config) => string | null;

/** Gunicorn's threads > 1 asks for concurrent requests per worker: what Node's async worker does. */
function threadsWarning(c: Config): string | null {
  if (c.threads <= 1) return null;
  const sync = c.worker_class === 'sync' ? '; worker_class "sync" becomes "async", as Gunicorn makes it "gthread"' : '';
  return `threads ${c.threads}: a Node worker has one JavaScript thread; it serves up to worker_connections requests at once on its event loop instead${sync}. For more CPU, raise workers`;
}

const WARNINGS: readonly Warning[] = [
  (c) => (typeof c.ssl_context === 'function' && !c.certfile && !c.keyfile
    ? 'ssl_context is only called when TLS is on: set certfile and keyfile (the default certificate) for it to run'
    : null),
  (c) => (c.reuse_port && !reusePortSupported ? REUSE_PORT_UNSUPPORTED : null),
  threadsWarning,
];

export function startWarnings(config: Config): string[] {
  return WARNINGS.map((warn) => warn(config)).filter((w): w is string => w !== null);
}

/** How the command line says a warning before any logger exists. */
export function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`gunicorn-ts: warning: ${warning}\n`);
}
