// The ordered list of every setting. Its order is the order of --help, the man page and
// docs/settings.md; the Config type is computed from it.
import type { ConfigOf, SettingDecl } from './setting.js';
import { configFileSettings } from './settings/config-file.js';
import { debuggingSettings } from './settings/debugging.js';
import { loggingSettings } from './settings/logging.js';
import { metricsSettings } from './settings/metrics.js';
import { processNamingSettings } from './settings/process-naming.js';
import { proxySettings } from './settings/proxies.js';
import { replacementSettings } from './settings/replacement.js';
import { securitySettings } from './settings/security.js';
import { serverHooksSettings } from './settings/server-hooks.js';
import { serverMechanicsSettings } from './settings/server-mechanics.js';
import { serverSocketSettings } from './settings/server-socket.js';
import { sslSettings } from './settings/ssl.js';
import { http2Settings } from './settings/http2.js';
import { workerProcessesSettings } from './settings/worker-processes.js';

export const SETTINGS = [
  ...configFileSettings,
  ...serverSocketSettings,
  ...workerProcessesSettings,
  ...replacementSettings,
  ...securitySettings,
  ...debuggingSettings,
  ...serverMechanicsSettings,
  ...proxySettings,
  ...loggingSettings,
  ...processNamingSettings,
  ...serverHooksSettings,
  ...sslSettings,
  ...http2Settings,
  ...metricsSettings,
] as const;

export type Config = ConfigOf<typeof SETTINGS>;
export type SettingName = (typeof SETTINGS)[number]['name'];

const byName: ReadonlyMap<string, SettingDecl> = new Map(SETTINGS.map((s) => [s.name, s as SettingDecl]));

export function findSetting(name: string): SettingDecl | undefined {
  return byName.get(name);
}
