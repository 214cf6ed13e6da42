// Reads the text of a PasteDeploy INI file into sections of string values. The `ini` package
// builds the sections; this module first rewrites each logical line into a form `ini` reads
// exactly, because PasteDeploy files rely on four things `ini` does not do:
// continuation lines, `key: value`, dots in section names (ini nests them) and `#`/`;` inside
// values (ini strips them as inline comments, which would cut `file:./app.ts#app`). Each entry
// is emitted as a JSON-quoted key and value, so ini's quoting, comment and array rules cannot
// change it; only its true/false/null conversion remains, and it is undone afterwards.
import ini from 'ini';
import { PasteError } from './paste-error.js';

/** Section name ("app:main", "DEFAULT") → its keys in file order, values as written. */
export type IniSections = Map<string, Map<string, string>>;

interface Entry {
  key: string;
  value: string;
}

export function parsePasteIni(text: string, file: string): IniSections {
  const canonical = canonicalLines(text, file).join('\n');
  const parsed = ini.parse(canonical) as Record<string, Record<string, unknown>>;
  const sections: IniSections = new Map();
  for (const [name, body] of Object.entries(parsed)) {
    const values = new Map<string, string>();
    // ini turns the strings "true", "false" and "null" into values; String() restores them.
    for (const [key, value] of Object.entries(body)) values.set(key, String(value));
    sections.set(name, values);
  }
  return sections;
}

/** Logical lines (continuations joined, ':' separators accepted) as lines `ini` reads verbatim. */
function canonicalLines(text: string, file: string): string[] {
  const out: string[] = [];
  let entry: Entry | undefined;
  let section: string | undefined;
  const flush = (): void => {
    if (entry) out.push(`${quote(entry.key)} = ${quote(entry.value.trim())}`);
    entry = undefined;
  };
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    if (/^\s/.test(line) && entry) {
      entry.value += `\n${trimmed}`;
      return;
    }
    flush();
    const where = { file, key: `line ${index + 1}` };
    const header = /^\[([^\]]+)\]\s*$/.exec(trimmed);
    if (header) {
      section = header[1]!.trim();
      out.push(`[${escapeSection(section)}]`);
      return;
    }
    if (section === undefined) throw new PasteError(where, `"${trimmed}" comes before any [section] header`);
    entry = splitEntry(trimmed, { ...where, section });
  });
  flush();
  return out;
}

/** "key = value" or "key: value", split at whichever separator comes first (as configparser does). */
function splitEntry(line: string, where: { file: string; section: string; key: string }): Entry {
  const at = line.search(/[=:]/);
  const key = at > 0 ? line.slice(0, at).trim() : '';
  if (key === '') throw new PasteError(where, `"${line}" is not "key = value" (or "key: value")`);
  if (key.endsWith('[]')) throw new PasteError(where, `key "${key}": keys ending in "[]" are not supported`);
  return { key, value: line.slice(at + 1) };
}

// JSON keeps the text intact through ini's unquoting; U+2028/2029 are escaped because ini's
// line regex ('.') does not match them.
function quote(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// ini splits section names at unescaped dots and cuts them at ';' or '#': escape all three,
// and the backslash itself so the escapes stay unambiguous.
function escapeSection(name: string): string {
  return name.replace(/[\\;#.]/g, (c) => `\\${c}`);
}
