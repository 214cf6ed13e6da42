// What an instance file may and must contain, declared once: the settings the tool sets
// itself, and an app (`app`, or `paste`), required unless the file is a Paste INI (its
// [app:main] is the app). The validator and the generated JSON schema both follow these.
import { SETTINGS } from '../config/registry.js';
import type { SettingDecl } from '../config/setting.js';
import { buildJsonSchema } from '../config/schema.js';
import { GENERATED_NOTE } from '../config/render/summary.js';

/** Settings gunicorn-ts-debian sets for every instance, with the reason shown when a file sets one. */
export const MANAGED_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  daemon: 'gunicorn-ts-debian starts every instance as a daemon',
  pidfile: 'gunicorn-ts-debian writes the pidfile to RUN_DIR/NAME.pid',
  errorlog: 'gunicorn-ts-debian writes the error log to LOG_DIR/NAME.log',
});

export const INSTANCE_SCHEMA_ID = 'urn:gunicorn-ts:schemas:gunicorn-debian-instance.schema.json';
export const INSTANCE_SCHEMA_PATH = 'schemas/gunicorn-debian-instance.schema.json';

/** Settings an instance file can never hold: the managed ones and the command-line-only ones. */
export function excludedFromInstances(): string[] {
  const cliOnly = (SETTINGS as readonly SettingDecl[]).filter((d) => d.cliOnly === true).map((d) => d.name);
  return [...Object.keys(MANAGED_SETTINGS), ...cliOnly];
}

/** The JSON schema of an instance file written as JSON: the config schema minus the excluded settings, an app required. */
export function buildInstanceSchema(): Record<string, unknown> {
  const base = buildJsonSchema() as { properties: Record<string, unknown> };
  const excluded = new Set(excludedFromInstances());
  const properties = Object.fromEntries(Object.entries(base.properties).filter(([name]) => !excluded.has(name)));
  return {
    ...base,
    $id: INSTANCE_SCHEMA_ID,
    title: 'gunicorn-ts-debian instance file',
    description:
      `One server started by gunicorn-ts-debian from /etc/gunicorn.d/NAME.conf.ts (.js, .json). ` +
      `It must name its app (app, or paste naming an INI file); ${excludedFromInstances().join(', ')} are set by the tool or only exist on the command line. ` +
      `An instance written as NAME.ini is a Paste INI file: its [server:main] keys follow these rules and [app:main] is the app.`,
    // The app: `app`, or a Paste INI file's app through `paste`.
    anyOf: [
      { required: ['app'], properties: { app: { type: 'string' } } },
      { required: ['paste'], properties: { paste: { type: 'string' } } },
    ],
    properties,
  };
}

export function renderInstanceSchema(): string {
  return `${JSON.stringify({ $comment: GENERATED_NOTE, ...buildInstanceSchema() }, null, 2)}\n`;
}
