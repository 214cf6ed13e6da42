// The registry's defaults as a resolved Config, for tests that build a Logger or an HTTP
// edge without a command line: derived from the settings declarations, never restated.
import { resolveLayers } from '../../src/config/load.js';
import type { Config } from '../../src/config/registry.js';

/** Every setting at its declared default. */
export const DEFAULTS: Config = resolveLayers([]).config;

/** Defaults with some settings replaced (by snake_case name). */
export function settingsWith<T extends Partial<Config>>(over: T): Config {
  return { ...DEFAULTS, ...over };
}
