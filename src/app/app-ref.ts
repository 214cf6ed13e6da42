// Parses APP_MODULE text, `MODULE[:NAME[(literal, ...)]]`, into a structured AppRef.
// Factory arguments are parsed as literals by a tiny tokenizer: nothing is ever evaluated,
// so a config value can never run code in the worker.
import { AppRefError } from './errors.js';

export type AppLiteral = string | number | boolean | null;

export interface AppRef {
  /** The text as given, for messages. */
  readonly text: string;
  /** A file path (with or without extension) or a package name. */
  readonly module: string;
  /** Export path (`app`, or `api.app` for a property of an export); null means "look up default, app, application". */
  readonly name: readonly string[] | null;
  /** Factory call arguments; null when NAME is used as is, [] for `NAME()`. */
  readonly args: readonly AppLiteral[] | null;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function parseAppRef(text: string): AppRef {
  const trimmed = text.trim();
  if (trimmed === '') throw new AppRefError(text, 'it is empty');
  const colon = trimmed.indexOf(':');
  const module = (colon === -1 ? trimmed : trimmed.slice(0, colon)).trim();
  if (module === '') throw new AppRefError(text, 'MODULE is missing before ":"');
  if (colon === -1) return { text, module, name: null, args: null };
  const rest = trimmed.slice(colon + 1).trim();
  if (rest === '') throw new AppRefError(text, 'NAME is missing after ":"');
  const paren = rest.indexOf('(');
  const namePart = (paren === -1 ? rest : rest.slice(0, paren)).trim();
  const name = namePart.split('.');
  if (!name.every((part) => IDENTIFIER.test(part))) {
    throw new AppRefError(text, `NAME ${JSON.stringify(namePart)} is not an identifier (or a dotted path of identifiers)`);
  }
  if (paren === -1) return { text, module, name, args: null };
  if (!rest.endsWith(')')) throw new AppRefError(text, 'the factory call must end with ")"');
  return { text, module, name, args: parseArgs(text, rest.slice(paren + 1, -1)) };
}

/** Parses `'a', 3, true, null` (the text between the call's parentheses). */
function parseArgs(text: string, inner: string): AppLiteral[] {
  const args: AppLiteral[] = [];
  let pos = skipSpace(inner, 0);
  if (pos === inner.length) return args;
  for (;;) {
    const [value, next] = readLiteral(text, inner, pos);
    args.push(value);
    pos = skipSpace(inner, next);
    if (pos === inner.length) return args;
    if (inner[pos] !== ',') throw new AppRefError(text, `expected "," or ")" in the arguments at ${JSON.stringify(inner.slice(pos))}`);
    pos = skipSpace(inner, pos + 1);
    // A trailing comma is accepted, as in JS and Python.
    if (pos === inner.length) return args;
  }
}

function skipSpace(s: string, pos: number): number {
  while (pos < s.length && /\s/.test(s[pos]!)) pos++;
  return pos;
}

const WORDS: Readonly<Record<string, AppLiteral>> = {
  true: true, false: false, null: null,
  // Python spellings, for APP_MODULE strings carried over from Gunicorn.
  True: true, False: false, None: null,
};
const NUMBER = /^[+-]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;

function readLiteral(text: string, s: string, pos: number): [AppLiteral, number] {
  const quote = s[pos];
  if (quote === '"' || quote === "'") return readString(text, s, pos);
  const word = /^[A-Za-z_$][\w$]*/.exec(s.slice(pos))?.[0];
  if (word !== undefined) {
    if (!(word in WORDS)) throw new AppRefError(text, `argument ${word} is not a literal (strings, numbers, true, false, null only)`);
    return [WORDS[word]!, pos + word.length];
  }
  const num = NUMBER.exec(s.slice(pos))?.[0];
  if (num !== undefined) {
    const value = Number(num.replace(/_/g, ''));
    if (Number.isNaN(value)) throw new AppRefError(text, `argument ${num} is not a number`);
    return [value, pos + num.length];
  }
  throw new AppRefError(text, `argument at ${JSON.stringify(s.slice(pos))} is not a literal (strings, numbers, true, false, null only)`);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', v: '\v' };

function readString(text: string, s: string, start: number): [string, number] {
  const quote = s[start];
  let out = '';
  for (let pos = start + 1; pos < s.length; pos++) {
    const ch = s[pos]!;
    if (ch === quote) return [out, pos + 1];
    if (ch !== '\\') { out += ch; continue; }
    const esc = s[++pos];
    if (esc === undefined) break;
    out += ESCAPES[esc] ?? esc;
  }
  throw new AppRefError(text, 'a string argument is not closed');
}
