// Plain-text pieces of a setting shared by every derived artefact (JSON schema, man page,
// Markdown reference, --help): the short help line, the flag forms and the default.
import type { SettingDecl } from '../setting.js';

/** The note every generated file starts with (each format wraps it in its comment syntax). */
export const GENERATED_NOTE = 'Generated from src/config/settings — do not edit. Run `npm run gen` after changing a declaration.';

// A period ends the sentence when whitespace or the end follows, except in "e.g." and "i.e.".
const SENTENCE_END = /(?<!\be\.g|\bi\.e)[.!?](?=\s|$)/;

/** The first sentence of a Markdown description: the short help line. */
export function shortHelp(desc: string): string {
  const firstParagraph = desc.split(/\n\s*\n/, 1)[0]!.replace(/\s+/g, ' ').trim();
  const end = SENTENCE_END.exec(firstParagraph);
  return end === null ? firstParagraph : firstParagraph.slice(0, end.index + 1);
}

/** Each flag with its placeholder: `['-w INT', '--workers INT']`. */
export function flagForms(decl: SettingDecl): string[] {
  return (decl.cli ?? []).map((flag) => (decl.meta === undefined ? flag : `${flag} ${decl.meta}`));
}

/** The literal default as it would be written in a config file. */
export function defaultLiteral(decl: SettingDecl): string {
  // One line with a space after each comma, so long objects can wrap in the man page.
  return JSON.stringify(decl.default, null, 1).replace(/\n\s*/g, ' ');
}

/** How a hook is written in a config file: `post_request(worker, req, res)`. */
export function hookSignature(decl: SettingDecl): string | undefined {
  return decl.hook === undefined ? undefined : `${decl.name}(${decl.hook.params.join(', ')})`;
}
