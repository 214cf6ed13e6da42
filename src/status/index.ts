// The control interface: the master's control socket and the commands it answers
// (gunicornc's), the report they build on, and the `gunicorn-ts ctl` and `status` clients.
// Re-exports only.
export { controlSocketPlace, defaultControlSocket, openControlSocket, type ControlHandler, type ControlSocket } from './control-socket.js';
export { statusReport, type MasterInfo, type StatusReport, type WorkerStatus } from './report.js';
export { formatDuration, formatMemory, formatStatus } from './format.js';
export { ControlClient, NOT_RUNNING, PERMISSION_DENIED, requestOnce, StatusError } from './client.js';
export { statusCommand, STATUS_USAGE } from './command.js';
export { ctlCommand, CTL_USAGE } from './ctl.js';
export { COMMAND_HELP, ControlCommands, type ControlTarget } from './commands.js';
