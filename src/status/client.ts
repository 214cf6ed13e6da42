// The `status` command's side of the control socket: connect, send one request line, read
// the one-line JSON answer. Every failure becomes a StatusError whose message says what to
// check (no socket, nobody listening, permission, no answer), never a stack trace.
import net from 'node:net';
import type { StatusReport } from './report.js';

/** Exit status when the master cannot be reached: LSB's "program is not running". */
export const NOT_RUNNING = 3;

export class StatusError extends Error {
  constructor(message: string, readonly exitCode = NOT_RUNNING) {
    super(message);
  }
}

function connectError(path: string, err: NodeJS.ErrnoException): StatusError {
  switch (err.code) {
    case 'ENOENT':
      return new StatusError(`no control socket at ${path}: is gunicorn-ts running with this pidfile or control_socket?`);
    case 'ECONNREFUSED':
      return new StatusError(`control socket ${path} refused the connection: no master is listening (stale socket?)`);
    case 'EACCES':
    case 'EPERM':
      return new StatusError(`control socket ${path}: permission denied (it is mode 0600: run as the user gunicorn-ts runs as)`, 4);
    case 'ENOTSOCK':
      return new StatusError(`${path} is not a socket`);
    default:
      return new StatusError(`control socket ${path}: ${err.message}`);
  }
}

function parseAnswer(path: string, text: string): StatusReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StatusError(`control socket ${path} answered something that is not JSON: ${JSON.stringify(text.slice(0, 200))}`, 1);
  }
  const error = (value as { error?: unknown } | null)?.error;
  if (typeof error === 'string') throw new StatusError(`the master refused the request: ${error}`, 1);
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { workers?: unknown }).workers)) {
    throw new StatusError(`control socket ${path} answered without a worker list`, 1);
  }
  return value as StatusReport;
}

/** Asks the master at `path` for its status; gives up after `timeoutMs`. */
export function requestStatus(path: string, timeoutMs = 5000): Promise<StatusReport> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect(path);
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new StatusError(`control socket ${path} did not answer within ${timeoutMs / 1000} s`));
    });
    socket.on('connect', () => socket.write('{"command":"status"}\n'));
    socket.on('data', (chunk: string) => { text += chunk; });
    socket.on('error', (err) => reject(connectError(path, err)));
    socket.on('end', () => {
      try {
        resolve(parseAnswer(path, text.trim()));
      } catch (err) {
        reject(err);
      }
    });
  });
}
