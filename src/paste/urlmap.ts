// The `egg:Paste#urlmap` composite as a Node request listener: routes each request to the app
// mounted at the longest matching path prefix, strips that prefix from `req.url`, and records
// it where the app can find it (see docs/paste.md, "Where a mounted app finds its prefix").
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** What a mounted app sees besides the shortened `req.url`. */
export interface MountedRequest extends IncomingMessage {
  /** Every prefix stripped so far, outermost first (WSGI's SCRIPT_NAME), e.g. "/api/v1". */
  scriptName?: string;
  /** The URL as the client sent it; kept if already set (Express sets it the same way). */
  originalUrl?: string;
}

/** Request header carrying `scriptName`, for apps that only see headers (fetch-style apps). */
export const SCRIPT_NAME_HEADER = 'x-script-name';

export interface Mount {
  /** Normalised prefix: "" for "/", otherwise "/admin" (no trailing slash). */
  prefix: string;
  app: RequestListener;
}

/** "/admin/" → "/admin", "/" → "". */
export function normalisePrefix(prefix: string): string {
  return prefix.replace(/\/+$/, '');
}

export function urlMap(mounts: readonly Mount[]): RequestListener {
  const ordered = [...mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const query = queryAt === -1 ? '' : url.slice(queryAt);
    const mount = ordered.find((m) => m.prefix === '' || path === m.prefix || path.startsWith(`${m.prefix}/`));
    if (!mount) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not Found\n');
      return;
    }
    const mounted = req as MountedRequest;
    mounted.originalUrl ??= url;
    mounted.scriptName = (mounted.scriptName ?? '') + mount.prefix;
    req.headers[SCRIPT_NAME_HEADER] = mounted.scriptName;
    req.url = (path.slice(mount.prefix.length) || '/') + query;
    mount.app(req, res);
  };
}
