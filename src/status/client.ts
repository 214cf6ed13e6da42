// The client side of the control socket (`gunicorn-ts ctl`, `gunicorn-ts status`): connect,
// send gunicornc-style requests on one connection and read each answer. Every failure becomes
// a StatusError whose message says what to check (no socket, nobody listening, permission,
// no answer), never a stack trace.
import net from 'node:net';
import { encodeMessage, MessageReader, type ControlResponse } from './protocol.js';

/** Exit status when the master cannot be reached: LSB's "program is not running". */
export const NOT_RUNNING = 3;
/** Exit status when the socket refuses this user. */
export const PERMISSION_DENIED = 4;

export class StatusError extends Error {
  constructor(message: string, readonly exitCode = NOT_RUNNING) {
    super(message);
  }
}

function connectError(path: string, err: NodeJS.ErrnoException): StatusError {
  switch (err.code) {
    case 'ENOENT':
      return new StatusError(`no control socket at ${path}: is gunicorn-ts running with this control_socket (or pidfile)?`);
    case 'ECONNREFUSED':
      return new StatusError(`control socket ${path} refused the connection: no master is listening (stale socket?)`);
    case 'EACCES':
    case 'EPERM':
      return new StatusError(`control socket ${path}: permission denied (only its owner may use it, unless control_socket_mode allows more: run as the user gunicorn-ts runs as)`, PERMISSION_DENIED);
    case 'ENOTSOCK':
      return new StatusError(`${path} is not a socket`);
    default:
      return new StatusError(`control socket ${path}: ${err.message}`);
  }
}

/** One connection to a master; requests are answered in order. */
export class ControlClient {
  private readonly reader = new MessageReader();
  private readonly waiting: Array<{ resolve: (r: ControlResponse) => void; reject: (e: Error) => void }> = [];
  private nextId = 1;
  private failure: StatusError | null = null;

  private constructor(readonly path: string, private readonly socket: net.Socket, private readonly timeoutMs: number) {
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = this.reader.push(chunk);
      } catch (err) {
        return this.fail(new StatusError(`control socket ${path} answered something else than the control protocol: ${(err as Error).message}`, 1));
      }
      for (const message of messages) this.waiting.shift()?.resolve(message as ControlResponse);
    });
    socket.on('error', (err) => this.fail(connectError(path, err)));
    socket.on('close', () => this.fail(new StatusError(`control socket ${path} closed the connection`, 1)));
  }

  static connect(path: string, timeoutMs = 5000): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new ControlClient(path, socket, timeoutMs));
      });
      socket.once('error', (err) => reject(connectError(path, err)));
    });
  }

  private fail(err: StatusError): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  /** Sends one command ("show workers", "worker add 2"); resolves with its data, rejects with the master's error. */
  async send(command: string): Promise<unknown> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const answer = new Promise<ControlResponse>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(encodeMessage({ id, command, args: [] }));
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StatusError(`control socket ${this.path} did not answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
    });
    try {
      const response = await Promise.race([answer, timeout]);
      if (response.status === 'error') throw new StatusError(response.error, 1);
      return response.data;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.failure ??= new StatusError('connection closed', 1);
    this.socket.end();
  }
}

/** Connects, sends one command, closes. */
export async function requestOnce(path: string, command: string, timeoutMs = 5000): Promise<unknown> {
  const client = await ControlClient.connect(path, timeoutMs);
  try {
    return await client.send(command);
  } finally {
    client.close();
  }
}
