// The example app: a plain Node request listener in TypeScript, no build step needed.
import type { IncomingMessage, ServerResponse } from 'node:http';

let served = 0;

export function app(req: IncomingMessage, res: ServerResponse): void {
  served += 1;
  const body = JSON.stringify({ hello: 'world', path: req.url, worker: process.pid, served });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
