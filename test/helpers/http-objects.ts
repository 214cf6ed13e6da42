// Real node:http request and response objects for tests that format or log them: made over
// an unconnected net.Socket (nothing is sent or received), holding the fields a test sets.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

export interface RequestFields {
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Record<string, string>;
  /** Names and values as the client sent them; none unless given. */
  readonly rawHeaders?: string[];
  /** What req.socket.remoteAddress reports; undefined (as on a closed socket) unless given. */
  readonly remoteAddress?: string;
}

/** An HTTP/1.1 request, `GET /` unless told otherwise. */
export function makeRequest(fields: RequestFields = {}): IncomingMessage {
  const socket = new Socket();
  if (fields.remoteAddress !== undefined) Object.defineProperty(socket, 'remoteAddress', { value: fields.remoteAddress });
  const req = new IncomingMessage(socket);
  req.method = fields.method ?? 'GET';
  req.url = fields.url ?? '/';
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = fields.headers ?? {};
  req.rawHeaders = fields.rawHeaders ?? [];
  return req;
}

export interface ResponseFields {
  readonly statusCode?: number;
  readonly headers?: Record<string, string | string[]>;
}

/** The response to `req`, with its status (200 unless told) and headers set. */
export function makeResponse(req: IncomingMessage, fields: ResponseFields = {}): ServerResponse {
  const res = new ServerResponse(req);
  res.statusCode = fields.statusCode ?? 200;
  for (const [name, value] of Object.entries(fields.headers ?? {})) res.setHeader(name, value);
  return res;
}
