// The ordered list of every setting. Its order is the order of --help, the man page and
// docs/settings.md; the Config type is computed from it.
import type { ConfigOf, SettingDecl } from './setting.js';
import { serverSocketSettings } from './settings/server-socket.js';

export const SETTINGS = [...serverSocketSettings] as const;

export type Config = ConfigOf<typeof SETTINGS>;
export type SettingName = (typeof SETTINGS)[number]['name'];

const byName: ReadonlyMap<string, SettingDecl> = new Map(SETTINGS.map((s) => [s.name, s as SettingDecl]));

export function findSetting(name: string): SettingDecl | undefined {
  return byName.get(name);
}
