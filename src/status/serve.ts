// Starts the master's control socket from its settings (`control_socket`, else
// `<pidfile>.ctl`) and answers `status` from the arbiter's policy state. A socket that
// cannot be opened stops startup with a message naming the setting.
import type { PolicyState } from '../arbiter/policy/index.js';
import { GunicornError } from '../errors.js';
import type { Logger } from '../log/index.js';
import { VERSION } from '../version.js';
import { controlSocketPath, openControlSocket, type ControlSocket } from './control-socket.js';
import { statusReport } from './report.js';

export interface StatusSettings {
  readonly control_socket: string | null;
  readonly pidfile: string | null;
}

/**
 * Opens the control socket, or returns null when neither setting asks for one.
 * `state` returns null until the arbiter exists; the answer then says so.
 */
export async function startStatusSocket(
  settings: StatusSettings,
  cwd: string,
  procName: string,
  state: () => PolicyState | null,
  log: Logger,
): Promise<ControlSocket | null> {
  const path = controlSocketPath(settings.control_socket, settings.pidfile, cwd);
  if (path === null) return null;
  const master = { pid: process.pid, version: VERSION, procName, startedAt: Date.now() };
  let socket: ControlSocket;
  try {
    socket = await openControlSocket(path, (command) => {
      if (command !== 'status') throw new Error(`unknown command ${JSON.stringify(command)} (known: status)`);
      const current = state();
      if (current === null) throw new Error('the master is still starting');
      return statusReport(current, master, Date.now());
    });
  } catch (err) {
    throw new GunicornError('GTS_ERR_STARTUP', (err as Error).message);
  }
  log.info(`Control socket at: ${path}`);
  return socket;
}
