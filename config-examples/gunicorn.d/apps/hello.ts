// The "hello" instance's app: a plain Node request listener that greets the client and
// shows what the reverse proxy told gunicorn-ts about the request.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function app(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify({
    greeting: process.env['GREETING'] ?? 'hello',
    path: req.url,
    host: req.headers.host ?? null,
    forwardedFor: req.headers['x-forwarded-for'] ?? null,
    forwardedProto: req.headers['x-forwarded-proto'] ?? null,
    worker: process.pid,
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
