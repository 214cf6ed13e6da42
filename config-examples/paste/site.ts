// The public site of production.ini: a factory called with (globalConf, localConf).
import type { IncomingMessage, ServerResponse } from 'node:http';

export function makeSite(globalConf: Record<string, string>, localConf: Record<string, string>) {
  const title = localConf.title ?? globalConf.site_name ?? 'Shop';
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<h1>${title}</h1><p>You asked for ${req.url}</p>\n`);
  };
}
