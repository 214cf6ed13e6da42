// Settings of the "HTTP/2" section: Gunicorn 26's names, defaults and meaning, served by
// node:http2 (ALPN over TLS; cleartext prior knowledge for trusted proxies only).
import { defineSetting } from '../setting.js';

const CLEARTEXT = ['off', 'prior-knowledge', 'upgrade', 'both'] as const;

export const httpProtocols = defineSetting<'http_protocols', string>({
  name: 'http_protocols',
  section: 'HTTP/2',
  cli: ['--http-protocols'],
  meta: 'STRING',
  schema: { type: 'string' },
  default: 'h1',
  desc: `HTTP versions to serve, comma-separated, most preferred first: \`h1\`, \`h2\`.

\`h1\` (the default) serves HTTP/1.x only. \`h2,h1\` offers HTTP/2 and HTTP/1.1 by ALPN over TLS in that order of preference; clients that only speak HTTP/1.1 keep working on the same port. \`h2\` alone refuses clients that do not negotiate HTTP/2. HTTP/2 needs TLS (\`certfile\`, \`keyfile\`), or \`http2_cleartext\` behind a trusted proxy. \`h3\` (Gunicorn's future HTTP/3) is refused. See docs/http2.md.`,
});

export const http2Cleartext = defineSetting<'http2_cleartext', (typeof CLEARTEXT)[number]>({
  name: 'http2_cleartext',
  section: 'HTTP/2',
  cli: ['--http2-cleartext'],
  meta: 'STRING',
  schema: { type: 'string', enum: [...CLEARTEXT] },
  // Gunicorn keeps `http2_cleartext = True` in a config file meaning prior knowledge.
  coerce: (value) => (value === true ? 'prior-knowledge' : value === false ? 'off' : typeof value === 'string' ? value.trim().toLowerCase() : value),
  default: 'off',
  desc: `Serve HTTP/2 over cleartext TCP (h2c) to trusted proxies: \`off\`, \`prior-knowledge\`, \`upgrade\` or \`both\`.

\`prior-knowledge\` serves connections that open with the HTTP/2 connection preface. Only peers in \`forwarded_allow_ips\` are considered; everyone else is served HTTP/1.x as if this were \`off\`. Anything but HTTP/2 from a trusted peer (an HTTP/1.x request, a malformed preface) gets a 400: such a peer is expected to speak HTTP/2, and a silent downgrade would hide a misconfiguration. Meant for a TLS-terminating proxy that speaks HTTP/2 upstream (Cloud Run, fly.io, a service-mesh sidecar); never expose a cleartext HTTP/2 port to the internet. Needs \`h2\` in \`http_protocols\`; ignored with TLS, where ALPN negotiates. \`upgrade\` and \`both\` (the HTTP/1.1 \`Upgrade: h2c\` handshake) are not supported: Node's http2 module does not implement it, and the setting is refused.`,
});

export const http2MaxConcurrentStreams = defineSetting<'http2_max_concurrent_streams', number>({
  name: 'http2_max_concurrent_streams',
  section: 'HTTP/2',
  cli: ['--http2-max-concurrent-streams'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0, maximum: 4294967295 },
  default: 100,
  desc: `The most HTTP/2 streams (requests) one connection may have open at once.

Advertised to the client in SETTINGS_MAX_CONCURRENT_STREAMS; a client opening more has the extra streams refused.`,
});

export const http2InitialWindowSize = defineSetting<'http2_initial_window_size', number>({
  name: 'http2_initial_window_size',
  section: 'HTTP/2',
  cli: ['--http2-initial-window-size'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0, maximum: 2147483647 },
  default: 65535,
  desc: `The HTTP/2 flow-control window of each stream, in bytes.

How much request body a client may send before the server acknowledges it. Larger values help large uploads and cost memory. 65535 is HTTP/2's default; the maximum is 2147483647.`,
});

export const http2MaxFrameSize = defineSetting<'http2_max_frame_size', number>({
  name: 'http2_max_frame_size',
  section: 'HTTP/2',
  cli: ['--http2-max-frame-size'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 16384, maximum: 16777215 },
  default: 16384,
  desc: `The largest HTTP/2 frame payload the server accepts, in bytes (16384 to 16777215).`,
});

export const http2MaxHeaderListSize = defineSetting<'http2_max_header_list_size', number>({
  name: 'http2_max_header_list_size',
  section: 'HTTP/2',
  cli: ['--http2-max-header-list-size'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0, maximum: 4294967295 },
  default: 65536,
  desc: `The largest header list a client may send on one HTTP/2 request, after HPACK decompression, in bytes.

Protects against compression bombs. 0 means Node's own bound (not recommended).`,
});

export const http2Settings = [httpProtocols, http2Cleartext, http2MaxConcurrentStreams, http2InitialWindowSize, http2MaxFrameSize, http2MaxHeaderListSize] as const;
