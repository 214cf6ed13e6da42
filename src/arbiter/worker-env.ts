// The environment workers start with: the arbiter's own, plus raw_env (KEY=VALUE), minus
// variables that only make sense for this arbiter (systemd's LISTEN_*, our handover ones).
const PRIVATE = ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'GTS_FDS', 'GTS_DAEMON', 'GTS_OLD_MASTER'];

export function parseRawEnv(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

export function workerEnvironment(base: NodeJS.ProcessEnv, rawEnv: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...parseRawEnv(rawEnv) };
  for (const name of PRIVATE) delete env[name];
  return env;
}
