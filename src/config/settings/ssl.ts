// Settings of the "SSL" section: serving HTTPS directly with Node's tls module.
import { defineSetting } from '../setting.js';

const SSL_VERSIONS = ['TLS', 'SSLv23', 'TLSv1', 'TLSv1_1', 'TLSv1_2', 'TLSv1_3'] as const;

export const keyfile = defineSetting<'keyfile', string | null>({
  name: 'keyfile',
  section: 'SSL',
  cli: ['--keyfile'],
  meta: 'FILE',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `The PEM file holding the TLS private key.

With \`certfile\`, every bound socket serves HTTPS.`,
});

export const certfile = defineSetting<'certfile', string | null>({
  name: 'certfile',
  section: 'SSL',
  cli: ['--certfile'],
  meta: 'FILE',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `The PEM file holding the TLS certificate, followed by its chain if any.`,
});

export const sslVersion = defineSetting<'ssl_version', (typeof SSL_VERSIONS)[number]>({
  name: 'ssl_version',
  section: 'SSL',
  cli: ['--ssl-version'],
  meta: 'VERSION',
  schema: { type: 'string', enum: [...SSL_VERSIONS] },
  default: 'TLS',
  desc: `The oldest TLS version accepted from clients.

\`TLS\` keeps Node's default minimum (TLS 1.2); \`SSLv23\`, Python's name for "negotiate", means the same. \`TLSv1\`, \`TLSv1_1\`, \`TLSv1_2\` and \`TLSv1_3\` set the minimum to that version. Gunicorn took a number from Python's \`ssl\` module here; Node negotiates the highest version both sides support above the minimum.`,
});

export const certReqs = defineSetting<'cert_reqs', 0 | 1 | 2>({
  name: 'cert_reqs',
  section: 'SSL',
  cli: ['--cert-reqs'],
  meta: 'INT',
  schema: { type: 'integer', enum: [0, 1, 2] },
  default: 0,
  desc: `Whether clients must present a certificate: 0 no, 1 optional, 2 required.

With 1 or 2, client certificates are verified against \`ca_certs\`.`,
});

export const caCerts = defineSetting<'ca_certs', string | null>({
  name: 'ca_certs',
  section: 'SSL',
  cli: ['--ca-certs'],
  meta: 'FILE',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `The PEM file of the certificate authorities that client certificates are checked against.`,
});

export const suppressRaggedEofs = defineSetting<'suppress_ragged_eofs', boolean>({
  name: 'suppress_ragged_eofs',
  section: 'SSL',
  cli: ['--suppress-ragged-eofs'],
  schema: { type: 'boolean' },
  default: true,
  desc: `Treat a TLS connection closed without a close_notify alert as a normal end.

Many clients just drop the TCP connection; with this on, that is not logged as an error. \`--no-suppress-ragged-eofs\` turns it off.`,
});

export const doHandshakeOnConnect = defineSetting<'do_handshake_on_connect', boolean>({
  name: 'do_handshake_on_connect',
  section: 'SSL',
  cli: ['--do-handshake-on-connect'],
  schema: { type: 'boolean' },
  default: false,
  noEffect: "Node's TLS server always performs the handshake when it accepts a connection, before any request is read.",
  desc: `Perform the TLS handshake as soon as a connection is accepted (accepted for compatibility, no effect).

Node's TLS server always completes the handshake before the request is read, whatever this says, so both values behave the same. It is declared so Gunicorn configurations load; setting it logs a warning.`,
});

export const ciphers = defineSetting<'ciphers', string | null>({
  name: 'ciphers',
  section: 'SSL',
  cli: ['--ciphers'],
  meta: 'STRING',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  defaultDoc: "Node's default cipher list",
  desc: `The TLS 1.2 cipher suites offered, in OpenSSL cipher-list format.

\`null\` keeps Node's default list, which is kept current with each Node release. Gunicorn 19's default, \`TLSv1\`, named a protocol rather than ciphers and has no useful meaning for Node.`,
});

export const sslSettings = [
  keyfile,
  certfile,
  sslVersion,
  certReqs,
  caCerts,
  suppressRaggedEofs,
  doHandshakeOnConnect,
  ciphers,
] as const;
