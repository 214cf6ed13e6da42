// Turns Gunicorn's SSL settings into Node https.Server options, reading the key and
// certificate files once and building a secure context to prove they work, so every
// problem (missing file, bad PEM, key/cert mismatch, bad cipher list) is found at startup
// and by --check-config, with a message naming the setting.

import fs from 'node:fs';
import type tls from 'node:tls';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { loadTls } from './lazy-builtins.js';

export interface TlsSettings {
  readonly certfile: string | null;
  readonly keyfile: string | null;
  readonly ca_certs?: string | null;
  /** 0: no client certificate asked; 1: asked, optional; 2: required and verified. */
  readonly cert_reqs?: number;
  readonly ciphers?: string | null;
  readonly ssl_version?: string | number | null;
  readonly do_handshake_on_connect?: boolean;
  readonly suppress_ragged_eofs?: boolean;
}

export class TlsSettingError extends Error {
  constructor(readonly setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'TlsSettingError';
  }
}

const REFUSED = 'is not supported: Node.js (OpenSSL 3) refuses it';
/** Protocol names (and Python's ssl.PROTOCOL_* numbers Gunicorn configs carry) → minimum version. */
const VERSIONS: ReadonlyMap<string, tls.SecureVersion | string> = new Map<string, tls.SecureVersion | string>([
  ['tls', 'TLSv1.2'], ['sslv23', 'TLSv1.2'], ['tls_server', 'TLSv1.2'], ['2', 'TLSv1.2'], ['17', 'TLSv1.2'],
  ['tlsv1_2', 'TLSv1.2'], ['tlsv1.2', 'TLSv1.2'], ['5', 'TLSv1.2'],
  ['tlsv1_3', 'TLSv1.3'], ['tlsv1.3', 'TLSv1.3'],
  ['sslv2', `SSLv2 ${REFUSED}`], ['0', `SSLv2 ${REFUSED}`],
  ['sslv3', `SSLv3 ${REFUSED}`], ['1', `SSLv3 ${REFUSED}`],
  ['tlsv1', `TLSv1 ${REFUSED} at its default security level (deprecated by RFC 8996); use TLSv1_2`],
  ['3', `TLSv1 ${REFUSED} at its default security level (deprecated by RFC 8996); use TLSv1_2`],
  ['tlsv1_1', `TLSv1.1 ${REFUSED} at its default security level (deprecated by RFC 8996); use TLSv1_2`],
  ['tlsv1.1', `TLSv1.1 ${REFUSED} at its default security level (deprecated by RFC 8996); use TLSv1_2`],
  ['4', `TLSv1.1 ${REFUSED} at its default security level (deprecated by RFC 8996); use TLSv1_2`],
]);

/** The minimum TLS version for an ssl_version value; null/'' means Node's default. */
export function minVersionFor(sslVersion: string | number | null | undefined): tls.SecureVersion | undefined {
  if (sslVersion === null || sslVersion === undefined || sslVersion === '') return undefined;
  const key = String(sslVersion).trim().toLowerCase().replace(/^protocol_/, '');
  const v = VERSIONS.get(key);
  if (v === undefined) {
    throw new TlsSettingError('ssl_version', `unknown value ${JSON.stringify(sslVersion)}; expected TLS, TLSv1_2 or TLSv1_3`);
  }
  if (v !== 'TLSv1.2' && v !== 'TLSv1.3') throw new TlsSettingError('ssl_version', v);
  return v;
}

function readPem(setting: string, path: string): Buffer {
  try {
    return fs.readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((err as Error).message);
    throw new TlsSettingError(setting, `cannot read ${path}: ${why}`);
  }
}

/** https.Server options for the settings, or null when TLS is off (neither certfile nor keyfile). */
export function tlsServerOptions(s: TlsSettings): HttpsServerOptions | null {
  if (!s.certfile && !s.keyfile) return null;
  if (!s.certfile) throw new TlsSettingError('certfile', 'must be set when keyfile is set');
  if (!s.keyfile) throw new TlsSettingError('keyfile', 'must be set when certfile is set');
  const certReqs = s.cert_reqs ?? 0;
  if (![0, 1, 2].includes(certReqs)) throw new TlsSettingError('cert_reqs', `${JSON.stringify(certReqs)} is not 0 (none), 1 (optional) or 2 (required)`);
  const options: HttpsServerOptions = {
    cert: readPem('certfile', s.certfile),
    key: readPem('keyfile', s.keyfile),
    requestCert: certReqs > 0,
    rejectUnauthorized: certReqs === 2,
  };
  if (s.ca_certs) options.ca = readPem('ca_certs', s.ca_certs);
  if (s.ciphers) options.ciphers = s.ciphers;
  const minVersion = minVersionFor(s.ssl_version);
  if (minVersion !== undefined) options.minVersion = minVersion;
  proveContext(options, s);
  return options;
}

/** Builds a context piece by piece, so each failure names its own setting: a bad PEM, a key
 * that does not match the certificate, or a bad cipher list fails now, not on the first client. */
function proveContext(options: HttpsServerOptions, s: TlsSettings): void {
  const attempt = (setting: string, subject: string, piece: tls.SecureContextOptions): void => {
    try {
      loadTls().createSecureContext(piece);
    } catch (err) {
      throw new TlsSettingError(setting, `${subject}: ${(err as Error).message}`);
    }
  };
  attempt('keyfile', `${s.keyfile}: not a usable private key`, { key: options.key });
  attempt('certfile', `${s.certfile}: not a usable certificate`, { cert: options.cert });
  if (options.ca !== undefined) attempt('ca_certs', `${s.ca_certs}: not usable CA certificates`, { ca: options.ca });
  if (options.ciphers !== undefined) attempt('ciphers', JSON.stringify(s.ciphers), { ciphers: options.ciphers });
  attempt('keyfile', `${s.keyfile} does not match certfile ${s.certfile}`, { key: options.key, cert: options.cert });
  attempt('certfile', `${s.certfile}`, options);
}
