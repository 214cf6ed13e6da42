// A WebSocket client (the real `ws` package) for process tests: waits for the connection,
// collects messages, and reports how the connection ended: a close frame with its code, or
// an abrupt end (ws reports 1006 when no close frame arrived).
import { WebSocket, type ClientOptions } from 'ws';

export interface Client {
  readonly ws: WebSocket;
  /** Resolves with the next message (or one already received and not yet taken). */
  next(): Promise<string>;
  /** How the connection ended; `code` 1006 means no close frame arrived (a reset or a bare FIN). */
  readonly closed: Promise<{ code: number; reason: string; error: string | null }>;
}

const open = new Set<WebSocket>();

/** Terminates every client a failed test left open. */
export function closeClients(): void {
  for (const ws of open) ws.terminate();
}

/** `options`: the ws client's own (`ca` for a wss:// server with the test CA, say). */
export async function connect(url: string, options: ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(url, options);
  open.add(ws);
  const queue: string[] = [];
  const waiting: ((m: string) => void)[] = [];
  ws.on('message', (data) => {
    const text = String(data);
    const waiter = waiting.shift();
    if (waiter) waiter(text);
    else queue.push(text);
  });
  let error: string | null = null;
  ws.on('error', (err) => { error = err.message; });
  const closed = new Promise<{ code: number; reason: string; error: string | null }>((resolve) => {
    ws.on('close', (code, reason) => {
      open.delete(ws);
      resolve({ code, reason: reason.toString(), error });
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
  return {
    ws,
    closed,
    next: () => {
      const first = queue.shift();
      if (first !== undefined) return Promise.resolve(first);
      return new Promise((resolve, reject) => {
        waiting.push(resolve);
        void closed.then((c) => reject(new Error(`closed (${c.code}) before a message arrived`)));
      });
    },
  };
}

/** ws://host:port from "Listening at: http://host:port" (wss:// from https://). */
export function wsUrl(httpUrl: string, path = '/'): string {
  return `${httpUrl.replace(/^http(s?):/, 'ws$1:')}${path}`;
}
