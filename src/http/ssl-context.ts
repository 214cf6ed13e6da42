// The ssl_context hook: the operator's function turns the TLS options the SSL settings give
// into the ones to serve with (typically adding an SNICallback that picks a certificate by
// server name), or returns a ready tls.SecureContext. Its result is proved here, so a hook that
// throws or returns something unusable stops --check-config and startup, naming the hook.
import type { SecureContext, TlsOptions } from 'node:tls';
import { loadTls } from './lazy-builtins.js';
import type { SslContextHook } from '../config/hook-types.js';
import { TlsSettingError } from './tls.js';

function isSecureContext(value: object): value is SecureContext {
  // tls.createSecureContext() returns an object holding the native context; Node exports no class to test with instanceof.
  return 'context' in value && Object.keys(value).length <= 1;
}

/** Runs the hook over `defaults` and returns the TLS server options to use. */
export function applySslContextHook(hook: SslContextHook, settings: object, defaults: TlsOptions): TlsOptions {
  let result: unknown;
  try {
    // A copy: the hook sees the settings as a plain record and cannot change the server's.
    result = hook({ ...settings }, () => ({ ...defaults }));
  } catch (err) {
    throw new TlsSettingError('ssl_context', `the hook threw: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new TlsSettingError('ssl_context', 'the hook returned a promise; it must return the TLS options (or a tls.SecureContext) synchronously');
  }
  if (result === null || typeof result !== 'object') {
    throw new TlsSettingError('ssl_context', `the hook must return TLS options or a tls.SecureContext, not ${result === null ? 'null' : typeof result}`);
  }
  if (isSecureContext(result)) {
    // A server takes its default context from options, not from a SecureContext: serve this
    // one to every client that names a server; a client that names none gets certfile's.
    return { ...defaults, SNICallback: (_name, done) => done(null, result) };
  }
  const options = result as TlsOptions;
  if (options.SNICallback !== undefined && typeof options.SNICallback !== 'function') {
    throw new TlsSettingError('ssl_context', 'SNICallback must be a function (servername, callback)');
  }
  try {
    loadTls().createSecureContext(options);
  } catch (err) {
    throw new TlsSettingError('ssl_context', `the TLS options it returned are not usable: ${(err as Error).message}`);
  }
  return options;
}
