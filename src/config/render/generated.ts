// The generated files and their contents, by path relative to the repository root. Shared by
// scripts/gen.ts (writes or checks them) and the test that compares the checked-in copies.
import { SETTINGS } from '../registry.js';
import { buildJsonSchema } from '../schema.js';
import { renderManPage } from './man.js';
import { renderValidators, VALIDATORS_PATH } from './validator-code.js';
import { renderSettingsMarkdown } from './markdown.js';
import { GENERATED_NOTE } from './summary.js';
import { INSTANCE_SCHEMA_PATH, renderInstanceSchema } from '../../debian/instance-rules.js';
import { renderSignalsMarkdown } from '../../arbiter/signals-doc.js';
import { MASTER_SIGNALS } from '../../arbiter/signals.js';

export function renderJsonSchema(): string {
  // JSON has no comments: the note goes in $comment, the keyword meant for it.
  return `${JSON.stringify({ $comment: GENERATED_NOTE, ...buildJsonSchema() }, null, 2)}\n`;
}

export function generatedFiles(): Record<string, string> {
  return {
    'schemas/gunicorn.schema.json': renderJsonSchema(),
    'man/gunicorn-ts.1': renderManPage(SETTINGS, MASTER_SIGNALS),
    'docs/settings.md': renderSettingsMarkdown(SETTINGS),
    [INSTANCE_SCHEMA_PATH]: renderInstanceSchema(),
    'docs/signals.md': renderSignalsMarkdown(),
    [VALIDATORS_PATH]: renderValidators(),
  };
}
