// The public face of PasteDeploy INI support (`--paste FILE[#NAME]`): parse the argument, read
// `[server:main]` for the config layer, and build the app. Everything else in src/paste/ is
// internal to these three entry points.
import type { RequestListener } from 'node:http';
import { composeApp, type ToListener } from './compose.js';
import type { PasteSpec } from './spec.js';

export { PasteError } from './paste-error.js';
export { parsePasteSpec, type PasteSpec } from './spec.js';
export { checkPasteEntryPoints } from './preflight.js';
export { readPasteServerSettings, type PasteServerSettings } from './server-settings.js';
export { SCRIPT_NAME_HEADER, type MountedRequest } from './urlmap.js';
export type { ToListener } from './compose.js';

/** Builds the app named by spec (an [app:], [pipeline:] or [composite:] section) as a Node request listener. */
export async function loadPasteApp(spec: PasteSpec, opts: { toListener: ToListener }): Promise<RequestListener> {
  return composeApp(spec.file, spec.name, opts.toListener, spec.globalConf);
}
