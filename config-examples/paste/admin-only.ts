// A filter factory for production.ini: requests without the configured bearer token get 401
// and never reach the app.
import type { RequestListener } from 'node:http';

export function adminOnlyFilter(_globalConf: Record<string, string>, localConf: Record<string, string>) {
  const expected = `Bearer ${localConf.token ?? ''}`;
  return (app: RequestListener): RequestListener => (req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
      res.end('Unauthorized\n');
      return;
    }
    app(req, res);
  };
}
