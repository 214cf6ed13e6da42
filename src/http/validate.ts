// Checks the HTTP edge's settings once, in the arbiter before it binds and in
// --check-config: the TLS files are read and a secure context built, the allow lists and
// limits parsed. Each problem becomes one operator-facing error naming the setting.

import { GunicornError } from '../errors.js';
import { AllowListError } from './ip-allow-list.js';
import { LimitSettingError } from './limits.js';
import { TlsSettingError } from './tls.js';
import { createHttpEdge } from './edge.js';
import { edgeSettingsFrom, EdgeSettingTypeError } from './edge-settings.js';
import { describeSource, type SourceRef } from '../config/source-ref.js';

export interface EdgeSummary {
  /** TLS is on: the sockets serve https. */
  readonly secure: boolean;
}

/**
 * Throws GunicornError (exit 1) with "invalid configuration: <setting>: <problem>", and
 * "(from <source>)" when `sources` says which layer set the setting.
 */
export function validateEdgeSettings(settings: Readonly<Record<string, unknown>>, sources?: ReadonlyMap<string, SourceRef>): EdgeSummary {
  try {
    return { secure: createHttpEdge(edgeSettingsFrom(settings)).secure };
  } catch (err) {
    const known = err instanceof TlsSettingError || err instanceof AllowListError
      || err instanceof LimitSettingError || err instanceof EdgeSettingTypeError;
    if (!known) throw err;
    const source = sources?.get(err.setting);
    const from = source === undefined || source.kind === 'default' ? '' : ` (from ${describeSource(source)})`;
    throw new GunicornError('GTS_ERR_CONFIG_INVALID', `invalid configuration: ${err.message}${from}`);
  }
}
