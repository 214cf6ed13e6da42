// Checks `metrics_bind` before anything is bound (startup) or instead of binding
// (--check-config): the address parses, and it is not one of the app's own `bind` addresses,
// which would leave the metrics listener retrying forever against the app's socket.
import { resolve } from 'node:path';
import { BindAddressError, parseBindAddress } from '../arbiter/sockets/index.js';
import type { BindAddress } from '../arbiter/sockets/index.js';
import { GunicornError } from '../errors.js';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

function invalid(reason: string): GunicornError {
  return new GunicornError('GTS_ERR_CONFIG_INVALID', `invalid configuration: metrics_bind: ${reason}`);
}

/** Whether two addresses would compete for the same listening socket. */
export function sameListener(a: BindAddress, b: BindAddress, cwd: string): boolean {
  if (a.kind === 'unix' && b.kind === 'unix') return resolve(cwd, a.path) === resolve(cwd, b.path);
  if (a.kind === 'fd' && b.kind === 'fd') return a.fd === b.fd;
  if (a.kind !== 'tcp' || b.kind !== 'tcp') return false;
  // Port 0 picks a free port, so it never collides.
  if (a.port === 0 || a.port !== b.port) return false;
  return a.host === b.host || WILDCARDS.has(a.host) || WILDCARDS.has(b.host);
}

/**
 * The parsed `metrics_bind`, or null when it is off. Throws a GunicornError (exit 1) naming the
 * setting when the address is malformed or is also an app `bind` address. A `bind` entry that
 * does not parse is left to the sockets code to report.
 */
export function validateMetricsBind(metricsBind: string | null | undefined, bind: readonly string[], cwd: string): BindAddress | null {
  if (metricsBind === null || metricsBind === undefined) return null;
  let address: BindAddress;
  try {
    address = parseBindAddress(metricsBind);
  } catch (err) {
    if (err instanceof BindAddressError) throw invalid(err.message);
    throw err;
  }
  for (const text of bind) {
    let app: BindAddress;
    try {
      app = parseBindAddress(text);
    } catch {
      continue;
    }
    if (sameListener(address, app, cwd)) {
      throw invalid(`${JSON.stringify(metricsBind)} is also an app bind address (${JSON.stringify(text)}); the metrics listener must be a separate socket`);
    }
  }
  return address;
}
