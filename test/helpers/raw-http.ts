// Raw-socket HTTP exchanges for edge tests: write bytes exactly as given (malformed
// requests, PROXY headers, trickled headers) and read whatever comes back until the
// server closes the connection; plus request builders and the echo-app server starter.
import net from 'node:net';
import { V2_SIGNATURE } from '../../src/http/proxy-protocol.js';
import { startGunicorn, type ServerProcess } from './server.js';

export interface ExchangeOptions {
  /** Source address of the connection (127.0.0.2 … act as a second peer on Linux). */
  readonly localAddress?: string;
  readonly host?: string;
}

/** Writes `bytes`, resolves with everything received until the server closed (latin1). */
export function exchange(port: number, bytes: Buffer | string, opts: ExchangeOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ port, host: opts.host ?? '127.0.0.1', ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, () => s.write(bytes));
    const received = (): string => Buffer.concat(chunks).toString('latin1');
    s.on('data', (d: Buffer) => chunks.push(d));
    // A reset after (or instead of) an answer is a closed connection, not a test failure;
    // failing to connect at all is.
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? reject(e) : resolve(received())));
    s.on('close', () => resolve(received()));
  });
}

/** The status code of a raw response, 0 when there is none. */
export function statusOf(response: string): number {
  return Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);
}

/** The body of a raw response (everything after the head). */
export function bodyOf(response: string): string {
  const at = response.indexOf('\r\n\r\n');
  return at < 0 ? '' : response.slice(at + 4);
}

/** A request line ("GET /aaa HTTP/1.1") exactly `n` bytes long, CRLF excluded. */
export function requestLineOf(n: number): string {
  return `GET /${'a'.repeat(n - 'GET / HTTP/1.1'.length)} HTTP/1.1`;
}

/** `line`, then Host, `headers`, and Connection: close (so Host and Connection are 2 of its fields). */
export function rawRequest(line: string, headers: readonly string[] = []): string {
  return `${line}\r\nHost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;
}

/** A header field "X-Size: vvv…" exactly `n` bytes long as "Name: value". */
export function fieldOf(n: number): string {
  return `X-Size: ${'v'.repeat(n - 'X-Size: '.length)}`;
}

/** `n` distinct small header fields. */
export function extraFields(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `X-F${i}: v`);
}

/** A GET request that closes the connection after its response. */
export function closingGet(path = '/', headers: readonly string[] = []): string {
  return `GET ${path} HTTP/1.1\r\nHost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;
}

/** A PROXY protocol v2 header: version 2, command `cmd` (0 LOCAL, 1 PROXY), family/transport byte `fam`. */
export function proxyV2(cmd: number, fam: number, body: Buffer): Buffer {
  const fixed = Buffer.from([0x20 | cmd, fam, 0, 0]);
  fixed.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIGNATURE, fixed, body]);
}

function ports(sp: number, dp: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(sp, 0);
  b.writeUInt16BE(dp, 2);
  return b;
}

/** A v2 PROXY TCP over IPv4 header, optionally followed by TLVs. */
export function proxyV2Tcp4(src: number[], dst: number[], sp: number, dp: number, tlv = Buffer.alloc(0)): Buffer {
  return proxyV2(1, 0x11, Buffer.concat([Buffer.from(src), Buffer.from(dst), ports(sp, dp), tlv]));
}

/** A v2 PROXY TCP over IPv6 header (16-byte addresses). */
export function proxyV2Tcp6(src: Buffer, dst: Buffer, sp: number, dp: number): Buffer {
  return proxyV2(1, 0x21, Buffer.concat([src, dst, ports(sp, dp)]));
}

/** A running gunicorn-ts (one worker) serving test/fixtures/edge/echo-app.mjs. */
export interface EchoServer {
  readonly server: ServerProcess;
  readonly port: number;
  readonly url: string;
  /** The one worker's pid (from its "Booting worker" line). */
  readonly workerPid: number;
}

/** Starts the binary with `-w 1 -b 127.0.0.1:0` and `args`, and waits until the worker serves. */
export async function startEchoServer(args: readonly string[]): Promise<EchoServer> {
  const server = startGunicorn(['-w', '1', '-b', '127.0.0.1:0', ...args, 'edge/echo-app.mjs:app']);
  try {
    const [url] = await server.listening();
    // Logged once the worker accepts on the inherited socket.
    const workerPid = await server.waitFor('the worker pid', () => server.bootedPids()[0]);
    return { server, port: Number(new URL(url!).port), url: url!, workerPid };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
