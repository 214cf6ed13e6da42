// Live status (issue 6): the master's control socket, the report it answers with, and the
// `gunicorn-ts status` command that reads it. Re-exports only.
export { controlSocketPath, openControlSocket, type ControlHandler, type ControlSocket } from './control-socket.js';
export { statusReport, type MasterInfo, type StatusReport, type WorkerStatus } from './report.js';
export { formatDuration, formatMemory, formatStatus } from './format.js';
export { NOT_RUNNING, requestStatus, StatusError } from './client.js';
export { statusCommand, STATUS_USAGE } from './command.js';
