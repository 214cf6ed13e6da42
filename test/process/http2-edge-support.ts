// Clients for the HTTP/2 edge process tests: Node's http2 client over a connection that first
// sends a PROXY header (what a load balancer speaking PROXY protocol and HTTP/2 upstream puts
// on the wire), in cleartext or with TLS started after the header.
import net from 'node:net';
import tls from 'node:tls';
import http2 from 'node:http2';

export interface Answer { readonly status: number; readonly body: string; readonly headers: http2.IncomingHttpHeaders }

/** One GET per path (with `extra` headers), all at once as concurrent streams over `session`. */
export function getAll(session: http2.ClientHttp2Session, paths: readonly string[], extra: http2.OutgoingHttpHeaders = {}): Promise<Answer[]> {
  return Promise.all(paths.map((path) => new Promise<Answer>((resolve, reject) => {
    const req = session.request({ ...extra, ':path': path });
    let body = '';
    let headers: http2.IncomingHttpHeaders = {};
    req.setEncoding('utf8');
    req.on('response', (h) => { headers = h; });
    req.on('data', (d: string) => { body += d; });
    req.on('end', () => resolve({ status: Number(headers[':status']), body, headers }));
    req.on('error', reject);
  })));
}

export interface ProxiedOptions {
  /** TLS after the header (ALPN h2), trusting this CA. */
  readonly ca?: Buffer;
  /** Send the header in its own write and wait a moment before the preface (a separate TCP segment). */
  readonly split?: boolean;
}

/** An HTTP/2 session to 127.0.0.1:`port` whose connection opens with `header`. */
export async function proxiedSession(port: number, header: Buffer, opts: ProxiedOptions = {}): Promise<http2.ClientHttp2Session> {
  const raw = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  raw.write(header);
  if (opts.split === true) await new Promise((r) => setTimeout(r, 50));
  const secure = opts.ca !== undefined;
  const origin = secure ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
  const session = http2.connect(origin, {
    createConnection: () => (secure ? tls.connect({ socket: raw, ca: opts.ca, servername: 'localhost', ALPNProtocols: ['h2'] }) : raw),
  });
  session.on('error', () => undefined);
  return session;
}
