// The JSON API of production.ini: the export is the app itself (use = file:...#api).
import type { IncomingMessage, ServerResponse } from 'node:http';

type Mounted = IncomingMessage & { scriptName?: string };

export function api(req: Mounted, res: ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  // req.url is relative to the mount; req.scriptName is the prefix urlmap removed ("/api").
  res.end(JSON.stringify({ ok: true, path: req.url, mountedAt: req.scriptName ?? '' }));
}
