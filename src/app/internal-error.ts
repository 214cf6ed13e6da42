// The one way an app failure reaches the client: a plain 500 while the headers are not
// out yet, otherwise a cut connection (the only honest signal left mid-response).
import type { ServerResponse } from 'node:http';

export function internalError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = 500;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.shouldKeepAlive = false;
  res.end('Internal Server Error');
}
