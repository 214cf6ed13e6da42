// The proxy-related settings of the "Server Mechanics" section: which front ends are
// trusted to say where a request came from and whether it was HTTPS.
import { defineSetting } from '../setting.js';

export const secureSchemeHeaders = defineSetting<'secure_scheme_headers', Readonly<Record<string, string>>>({
  name: 'secure_scheme_headers',
  section: 'Server Mechanics',
  schema: { type: 'object', additionalProperties: { type: 'string' } },
  default: { 'X-FORWARDED-PROTOCOL': 'ssl', 'X-FORWARDED-PROTO': 'https', 'X-FORWARDED-SSL': 'on' },
  desc: `Headers, with their values, by which a trusted proxy says a request came over HTTPS.

When a request from an address in \`forwarded_allow_ips\` carries one of these headers with exactly this value (header names are case-insensitive, values are not), the request is treated as HTTPS. From other addresses the headers are removed before the app sees them, so clients cannot forge them.`,
});

export const forwardedAllowIps = defineSetting<'forwarded_allow_ips', string>({
  name: 'forwarded_allow_ips',
  section: 'Server Mechanics',
  cli: ['--forwarded-allow-ips'],
  meta: 'STRING',
  schema: { type: 'string' },
  default: '127.0.0.1,::1',
  desc: `Comma-separated addresses (or CIDR ranges) of the front ends trusted with \`secure_scheme_headers\`, \`X-Forwarded-For\` and \`forwarder_headers\`.

\`*\` trusts every peer, for setups where the proxy's address is unknown but the network is trusted. When no other source sets it, the \`FORWARDED_ALLOW_IPS\` environment variable does. A trusted peer whose scheme headers contradict each other (\`X-Forwarded-Proto: https\` with \`X-Forwarded-Ssl: off\`) gets 400.`,
});

export const forwarderHeaders = defineSetting<'forwarder_headers', string>({
  name: 'forwarder_headers',
  section: 'Server Mechanics',
  cli: ['--forwarder-headers'],
  meta: 'STRING',
  schema: { type: 'string' },
  default: 'SCRIPT_NAME,PATH_INFO',
  desc: `Comma-separated names of underscore headers a trusted front end may pass to the app.

Under \`header_map = drop\` a header whose name contains \`_\` is removed, except one named here and sent by a peer in \`forwarded_allow_ips\` (a proxy that sets \`SCRIPT_NAME\` for an app mounted below a prefix, for example).`,
});

export const headerMap = defineSetting<'header_map', 'drop' | 'refuse' | 'dangerous'>({
  name: 'header_map',
  section: 'Server Mechanics',
  cli: ['--header-map'],
  meta: 'STRING',
  schema: { type: 'string', enum: ['drop', 'refuse', 'dangerous'] },
  default: 'drop',
  desc: `What to do with request headers whose names contain \`_\`: \`drop\`, \`refuse\` or \`dangerous\`.

A proxy or framework further on may map \`_\` to \`-\`, so \`Content_Length\` could be read as \`Content-Length\` there while this server framed the request by another one. \`drop\` removes such headers before the app sees them (except \`forwarder_headers\` from a trusted peer); \`refuse\` answers 400; \`dangerous\` passes them on unchanged.`,
});

export type ProxyProtocolMode = 'off' | 'v1' | 'v2' | 'auto';

export const proxyProtocol = defineSetting<'proxy_protocol', ProxyProtocolMode>({
  name: 'proxy_protocol',
  section: 'Server Mechanics',
  cli: ['--proxy-protocol'],
  meta: 'MODE',
  cliBare: 'auto',
  schema: { type: 'string', enum: ['off', 'v1', 'v2', 'auto'] },
  default: 'off',
  // Before Gunicorn 26 this was a boolean: true meant what auto means now.
  coerce: (v) => (v === true || v === 'true' ? 'auto' : v === false || v === 'false' ? 'off' : v),
  legacy: { isLegacy: (v) => typeof v === 'boolean' || v === 'true' || v === 'false', note: 'old boolean form: true means auto, false off' },
  desc: `Accept a PROXY protocol header in front of connections: \`off\`, \`v1\`, \`v2\` or \`auto\`.

Lets a TCP proxy or TLS terminator such as HAProxy or stunnel pass on the client's real address. Only peers in \`proxy_allow_ips\` may send it. \`v1\` (text) and \`v2\` (binary) require that version on every connection from those peers; \`auto\` reads either, and serves a connection that starts without one directly. \`--proxy-protocol\` alone means \`auto\`; the boolean form of older versions is still read (true as \`auto\`, with a note in \`--print-config\`).`,
});

export const proxyAllowIps = defineSetting<'proxy_allow_ips', string>({
  name: 'proxy_allow_ips',
  section: 'Server Mechanics',
  cli: ['--proxy-allow-from'],
  meta: 'STRING',
  schema: { type: 'string' },
  default: '127.0.0.1,::1',
  desc: `Comma-separated addresses of the peers allowed to send a PROXY protocol header.

\`*\` allows every peer. A header from another peer is refused and the connection closed.`,
});

export const proxySettings = [secureSchemeHeaders, forwardedAllowIps, forwarderHeaders, headerMap, proxyProtocol, proxyAllowIps] as const;
