// The control socket's wire format, the one Gunicorn 26's gunicornc speaks: each message is a
// 4-byte big-endian length and that many bytes of UTF-8 JSON. Requests are
// {id, command, args}; answers {id, status: "ok", data} or {id, status: "error", error}.

/** Larger than any request or answer; a length above it means the peer speaks something else. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface ControlRequest {
  readonly id: number;
  readonly command: string;
  readonly args: readonly string[];
}

export type ControlResponse =
  | { readonly id: number; readonly status: 'ok'; readonly data: unknown }
  | { readonly id: number; readonly status: 'error'; readonly error: string };

export function encodeMessage(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(payload.length);
  return Buffer.concat([head, payload]);
}

export class ProtocolError extends Error {}

/** Collects bytes as they arrive and hands out each complete message. */
export class MessageReader {
  private buffered: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the messages it completed (a malformed one throws ProtocolError). */
  push(chunk: Buffer): unknown[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: unknown[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length > MAX_MESSAGE_BYTES) throw new ProtocolError(`message of ${length} bytes is too large (is this a gunicornc-style client?)`);
      if (this.buffered.length < 4 + length) break;
      const payload = this.buffered.subarray(4, 4 + length).toString('utf8');
      this.buffered = this.buffered.subarray(4 + length);
      try {
        out.push(JSON.parse(payload));
      } catch {
        throw new ProtocolError('message is not JSON');
      }
    }
    return out;
  }

  /** Bytes of an unfinished message. */
  get pending(): number {
    return this.buffered.length;
  }
}

/** The request in a decoded message, or a reason it is not one. */
export function asRequest(value: unknown): ControlRequest | string {
  if (typeof value !== 'object' || value === null) return 'expected a JSON object {"id", "command", "args"}';
  const { id, command, args } = value as { id?: unknown; command?: unknown; args?: unknown };
  if (typeof command !== 'string' || command.trim() === '') return 'expected "command" to be a non-empty string';
  if (args !== undefined && (!Array.isArray(args) || !args.every((a) => typeof a === 'string' || typeof a === 'number'))) {
    return 'expected "args" to be a list of strings';
  }
  return { id: typeof id === 'number' ? id : 0, command, args: (args ?? []).map(String) };
}
