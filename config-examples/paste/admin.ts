// The back office of production.ini: shows what its factory was configured with.
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function makeAdmin(globalConf: Record<string, string>, localConf: Record<string, string>) {
  // An async factory is awaited before the first request; open connections etc. here.
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ admin: globalConf.site_name, contact: localConf.contact, path: req.url }));
  };
}
