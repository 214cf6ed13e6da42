// A filter factory for production.ini: (globalConf, localConf) => (app) => app. It tags each
// response with an id, taken from the request when a proxy already set one.
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';

export function requestIdFilter(_globalConf: Record<string, string>, localConf: Record<string, string>) {
  const header = localConf.header ?? 'x-request-id';
  return (app: RequestListener): RequestListener => (req, res) => {
    const given = req.headers[header];
    res.setHeader(header, typeof given === 'string' && given !== '' ? given : randomUUID());
    app(req, res);
  };
}
