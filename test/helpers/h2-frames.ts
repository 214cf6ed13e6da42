// A small HTTP/2 frame writer and reader for hostile-client tests (RFC 9113 §4, HPACK RFC 7541
// literals only): what a well-behaved client library refuses to send, built byte by byte.
import net from 'node:net';

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const;
export const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;

/** One frame: 9-byte header (24-bit length, type, flags, stream id), then `payload`. */
export function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0), length = payload.length): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

/** SETTINGS with the given (id, value) pairs; empty is the client's opening SETTINGS. */
export function settings(pairs: readonly [number, number][] = []): Buffer {
  const payload = Buffer.alloc(pairs.length * 6);
  pairs.forEach(([id, value], i) => { payload.writeUInt16BE(id, i * 6); payload.writeUInt32BE(value, i * 6 + 2); });
  return frame(FRAME.SETTINGS, 0, 0, payload);
}

/** HPACK integer with an N-bit prefix, its first byte or'ed with `high`. */
function hpackInt(value: number, prefixBits: number, high: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([high | value]);
  const bytes = [high | max];
  let rest = value - max;
  while (rest >= 128) { bytes.push((rest % 128) + 128); rest = Math.floor(rest / 128); }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function hpackString(s: string): Buffer {
  const raw = Buffer.from(s, 'latin1');
  return Buffer.concat([hpackInt(raw.length, 7, 0), raw]);
}

/** A header field as a literal without indexing, new name (never added to the dynamic table). */
export function literal(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00]), hpackString(name), hpackString(value)]);
}

/** GET `path` over http (static table entries 2, 6 and :path as a literal) and :authority. */
export function getBlock(path: string, extra: readonly [string, string][] = []): Buffer {
  return Buffer.concat([
    Buffer.from([0x82, 0x86]), // :method GET, :scheme http
    Buffer.concat([Buffer.from([0x04]), hpackString(path)]), // :path, literal without indexing, indexed name 4
    Buffer.concat([Buffer.from([0x01]), hpackString('localhost')]), // :authority
    ...extra.map(([n, v]) => literal(n, v)),
  ]);
}

export interface RawSession {
  readonly socket: net.Socket;
  /** Frame types received so far, in order, with GOAWAY/RST_STREAM error codes. */
  readonly received: { type: number; stream: number; code?: number }[];
  /** Everything received, as latin1 text. */
  raw(): string;
  /** DATA received on `stream`, as latin1 text. */
  body(stream: number): string;
  /** Resolves when the server closes the connection (or it errors). */
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

/**
 * Connects to 127.0.0.1:`port`, sends `opening` (the preface and an empty SETTINGS), and
 * parses what comes back; the server's SETTINGS are acknowledged unless `ack` is false.
 */
export async function rawSession(port: number, opening: Buffer = Buffer.concat([PREFACE, settings()]), ack = true): Promise<RawSession> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  const received: RawSession['received'] = [];
  let closedFlag = false;
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => { closedFlag = true; resolve(); });
    socket.on('error', () => undefined);
  });
  const bodies = new Map<number, string>();
  let all = '';
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    all += chunk.toString('latin1');
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 9) {
      const length = buffered.readUIntBE(0, 3);
      if (buffered.length < 9 + length) break;
      const type = buffered[3]!;
      const stream = buffered.readUInt32BE(5) & 0x7fffffff;
      const payload = buffered.subarray(9, 9 + length);
      const code = type === FRAME.GOAWAY ? payload.readUInt32BE(4) : type === FRAME.RST_STREAM ? payload.readUInt32BE(0) : undefined;
      received.push(code === undefined ? { type, stream } : { type, stream, code });
      if (type === FRAME.DATA) bodies.set(stream, (bodies.get(stream) ?? '') + payload.toString('latin1'));
      // ACK the server's SETTINGS, as a client must, so the session is fully open.
      if (ack && type === FRAME.SETTINGS && (buffered[4]! & FLAG.ACK) === 0 && socket.writable) socket.write(frame(FRAME.SETTINGS, FLAG.ACK, 0));
      buffered = buffered.subarray(9 + length);
    }
  });
  socket.write(opening);
  return { socket, received, closed, isClosed: () => closedFlag, body: (stream) => bodies.get(stream) ?? '', raw: () => all };
}

/** A header block split into HEADERS and CONTINUATION frames of at most `max` bytes (END_HEADERS on the last). */
export function headerFrames(stream: number, block: Buffer, endStream: boolean, max = 16384): Buffer[] {
  const frames: Buffer[] = [];
  for (let o = 0; o < block.length; o += max) {
    const last = o + max >= block.length;
    const flags = (last ? FLAG.END_HEADERS : 0) | (o === 0 && endStream ? FLAG.END_STREAM : 0);
    frames.push(frame(o === 0 ? FRAME.HEADERS : FRAME.CONTINUATION, flags, stream, block.subarray(o, o + max)));
  }
  return frames;
}

/**
 * Writes frames from `next` (undefined: stop) while the server keeps the connection open and
 * the socket drains, for `ms` at most; resolves with how many were written.
 */
export async function writeUntilClosed(session: RawSession, next: (i: number) => Buffer | undefined, ms = 30_000): Promise<number> {
  let i = 0;
  const deadline = Date.now() + ms;
  const late = new Promise((r) => setTimeout(r, ms).unref());
  for (;;) {
    if (session.isClosed() || session.socket.destroyed || Date.now() > deadline) return i;
    const f = next(i);
    if (f === undefined) return i;
    i++;
    if (!session.socket.write(f)) {
      await Promise.race([new Promise((r) => session.socket.once('drain', r)), session.closed, late]);
    } else if (i % 64 === 0) {
      await new Promise((r) => setImmediate(r));
    }
  }
}
