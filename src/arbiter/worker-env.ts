// The environment workers start with: the arbiter's own, plus raw_env (KEY=VALUE), minus
// variables that only make sense for this arbiter (systemd's LISTEN_*, our handover ones),
// plus the worker's NODE_APP_INSTANCE slot and GUNICORN_WORKER_ID.
const PRIVATE = ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'GTS_FDS', 'GTS_DAEMON', 'GTS_OLD_MASTER'];

export function parseRawEnv(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

/** Who the worker is, for the app: its PM2-style slot and its own, never reused, number. */
export interface WorkerIdentityEnv {
  readonly slot: number;
  readonly id: number;
}

export function workerEnvironment(base: NodeJS.ProcessEnv, rawEnv: readonly string[], who?: WorkerIdentityEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...parseRawEnv(rawEnv) };
  if (who !== undefined) {
    env['NODE_APP_INSTANCE'] = String(who.slot);
    env['GUNICORN_WORKER_ID'] = String(who.id);
  }
  for (const name of PRIVATE) delete env[name];
  return env;
}
