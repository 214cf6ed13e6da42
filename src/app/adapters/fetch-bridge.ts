// Bridges Node's http (IncomingMessage/ServerResponse) to a Web-standard `fetch(Request)`
// handler (Hono and others), with Node 20's global Request/Response. Bodies stream both ways
// with backpressure; a client that goes away aborts the Request's signal.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { internalError } from '../internal-error.js';

/** Hono's node adapter passes `{ incoming, outgoing }` as the env; doing the same keeps helpers that read it working. */
export interface NodeBindings {
  readonly incoming: IncomingMessage;
  readonly outgoing: ServerResponse;
}

export type FetchHandler = (request: Request, env: NodeBindings) => Response | Promise<Response>;

export function fetchToRequestListener(fetchHandler: FetchHandler): RequestListener {
  return (req, res) => {
    void serve(fetchHandler, req, res);
  };
}

async function serve(fetchHandler: FetchHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  let response: Response;
  try {
    response = await fetchHandler(toRequest(req, abort.signal), { incoming: req, outgoing: res });
    if (!(response instanceof Response)) throw new TypeError(`fetch() returned ${typeof response}, not a Response`);
  } catch (err) {
    failBeforeHeaders(res, err);
    return;
  }
  await writeResponse(req, res, response);
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const url = new URL(req.url ?? '/', `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const key = req.rawHeaders[i]!;
    if (!key.startsWith(':')) headers.append(key, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (hasBody) {
    init.body = Readable.toWeb(req);
    // Required by undici for a streaming request body.
    init.duplex = 'half';
  }
  return new Request(url, init);
}

async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie();
  for (const [key, value] of response.headers) {
    if (key !== 'set-cookie') res.setHeader(key, value);
  }
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.body === null || req.method === 'HEAD') {
    res.end();
    if (response.body !== null) await response.body.cancel().catch(() => undefined);
    return;
  }
  try {
    await pipeline(Readable.fromWeb(response.body), res);
  } catch {
    // The client went away or the app's body stream failed mid-way: the headers are gone,
    // so the only honest signal left is to cut the connection.
    res.destroy();
  }
}

function failBeforeHeaders(res: ServerResponse, err: unknown): void {
  console.error(`fetch handler failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  internalError(res);
}
