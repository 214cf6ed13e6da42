// The generated files and their contents, by path relative to the repository root. Shared by
// scripts/gen.ts (writes or checks them) and the test that compares the checked-in copies.
// The generator is the one place that gathers from every layer (settings, signals, the
// Debian instance rules), so none of those layers imports another for its documents.
import { SETTINGS } from '../src/config/registry.js';
import { buildJsonSchema } from '../src/config/schema.js';
import { renderManPage } from '../src/config/render/man.js';
import { renderValidators, VALIDATORS_PATH } from '../src/config/render/validator-code.js';
import { renderSettingsMarkdown } from '../src/config/render/markdown.js';
import { GENERATED_NOTE } from '../src/config/render/summary.js';
import { INSTANCE_SCHEMA_PATH, renderInstanceSchema } from '../src/debian/instance-rules.js';
import { renderSignalsMarkdown } from '../src/arbiter/signals-doc.js';
import { MASTER_SIGNALS } from '../src/arbiter/signals.js';

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
