// Starts the master's control socket from its settings (control_socket, else <pidfile>.ctl,
// else Gunicorn 26's default path) and answers the control commands against the arbiter.
// A socket asked for that cannot be opened stops startup with a message naming the setting.
import { GunicornError } from '../errors.js';
import type { Logger } from '../log/index.js';
import { VERSION } from '../version.js';
import { ControlCommands, type ControlTarget } from './commands.js';
import { controlSocketPlace, isServed, openControlSocket, type ControlSocket, type ControlSocketSettings } from './control-socket.js';

export interface StatusSettings extends ControlSocketSettings {
  readonly control_socket_mode: number;
}

export interface ControlStartOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly procName: string;
  /** Started by USR2: the old master's socket at the same path is taken over, as intended. */
  readonly takeOver: boolean;
  readonly log: Logger;
}

/**
 * Opens the control socket, or returns null when it is off. The target answers once the
 * arbiter exists; until then commands say the master is still starting.
 */
export async function startStatusSocket(settings: StatusSettings, opts: ControlStartOptions, target: ControlTarget): Promise<ControlSocket | null> {
  const place = controlSocketPlace(settings, opts.cwd, opts.env);
  if (place === null) return null;
  // The default path is shared by every master of this user: never take it from a live one.
  if (place.origin === 'default' && !opts.takeOver && (await isServed(place.path))) {
    opts.log.warning(`Control socket ${place.path} is in use by another gunicorn-ts or gunicorn master: this one has no control socket (set control_socket to give it one)`);
    return null;
  }
  const master = { pid: process.pid, version: VERSION, procName: opts.procName, startedAt: Date.now() };
  const commands = new ControlCommands(target, master);
  let socket: ControlSocket;
  try {
    socket = await openControlSocket(place.path, settings.control_socket_mode, (command, args) => commands.run(command, args));
  } catch (err) {
    if (place.origin === 'default') {
      opts.log.warning(`${(err as Error).message}: running without a control socket`);
      return null;
    }
    throw new GunicornError('GTS_ERR_STARTUP', (err as Error).message);
  }
  opts.log.info(`Control socket at: ${place.path}`);
  return socket;
}
