// Checks the HTTP edge's settings once, in the arbiter before it binds and in
// --check-config: the TLS files are read and a secure context built, the allow lists and
// limits parsed. Each problem becomes one operator-facing error naming the setting.

import { Http2SettingError } from './http2.js';
import { GunicornError } from '../errors.js';
import { AllowListError } from './ip-allow-list.js';
import { LimitSettingError } from './limits.js';
import { TlsSettingError } from './tls.js';
import { createHttpEdge, type EdgeSettings } from './edge.js';
import type { SslContextHook } from '../config/hook-types.js';

export interface EdgeSummary {
  /** TLS is on: the sockets serve https. */
  readonly secure: boolean;
}

/** Throws GunicornError (exit 1) with "invalid configuration: <setting>: <problem>". */
export function validateEdgeSettings(settings: EdgeSettings & { readonly ssl_context?: SslContextHook | null }): EdgeSummary {
  try {
    // ssl_context runs here too: proving it in the arbiter stops a start before any worker runs it.
    return { secure: createHttpEdge(settings, undefined, settings.ssl_context ?? null).secure };
  } catch (err) {
    const known = err instanceof TlsSettingError || err instanceof AllowListError
      || err instanceof LimitSettingError || err instanceof Http2SettingError;
    if (!known) throw err;
    throw new GunicornError('GTS_ERR_CONFIG_INVALID', `invalid configuration: ${err.message}`);
  }
}
