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
  default: '127.0.0.1',
  desc: `Comma-separated addresses of the front ends trusted with \`secure_scheme_headers\`.

\`*\` trusts every peer, for setups where the proxy's address is unknown but the network is trusted.`,
});

export const proxyProtocol = defineSetting<'proxy_protocol', boolean>({
  name: 'proxy_protocol',
  section: 'Server Mechanics',
  cli: ['--proxy-protocol'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Accept the PROXY protocol header (v1 and v2) in front of each connection.

Lets a TCP proxy or TLS terminator such as HAProxy or stunnel pass on the client's real address. Only peers in \`proxy_allow_ips\` may send it.`,
});

export const proxyAllowIps = defineSetting<'proxy_allow_ips', string>({
  name: 'proxy_allow_ips',
  section: 'Server Mechanics',
  cli: ['--proxy-allow-from'],
  meta: 'STRING',
  schema: { type: 'string' },
  default: '127.0.0.1',
  desc: `Comma-separated addresses of the peers allowed to send a PROXY protocol header.

\`*\` allows every peer. A header from another peer is refused and the connection closed.`,
});

export const proxySettings = [secureSchemeHeaders, forwardedAllowIps, proxyProtocol, proxyAllowIps] as const;
