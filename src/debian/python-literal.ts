// Reads the one Python statement Debian's /etc/gunicorn.d files were meant to hold,
// `CONFIG = {...}`, where the value is a literal: dicts, tuples, lists, strings, numbers,
// True/False/None, comments. Anything else (imports, names, calls, arithmetic, a second
// statement) is refused with its line, because running Python is not something we do.

export type PyValue = string | number | boolean | null | PyValue[] | { readonly [key: string]: PyValue };

export class NotALiteral extends Error {
  constructor(readonly line: number, detail: string) {
    super(`line ${line}: ${detail}`);
    this.name = 'NotALiteral';
  }
}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  get line(): number {
    return this.text.slice(0, this.pos).split('\n').length;
  }

  fail(detail: string): never {
    throw new NotALiteral(this.line, detail);
  }

  /** Skips spaces, newlines, comments and backslash continuations. */
  skip(): void {
    for (;;) {
      const rest = this.text.slice(this.pos);
      const ws = /^(?:[ \t\r\n\f]+|#[^\n]*|\\\n)/.exec(rest);
      if (!ws) return;
      this.pos += ws[0].length;
    }
  }

  peek(): string {
    this.skip();
    return this.text[this.pos] ?? '';
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected "${ch}", found ${this.describeNext()}`);
    this.pos++;
  }

  describeNext(): string {
    const token = /^\S{1,30}/.exec(this.text.slice(this.pos))?.[0];
    return token === undefined ? 'the end of the file' : `\`${token}\``;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', '\n': '' };

function readString(r: Reader): string {
  const prefix = /^[rRuU]?(?='|")/.exec(r.text.slice(r.pos))?.[0] ?? '';
  const raw = prefix.toLowerCase() === 'r';
  r.pos += prefix.length;
  const triple = r.text.startsWith("'''", r.pos) || r.text.startsWith('"""', r.pos);
  const quote = triple ? r.text.slice(r.pos, r.pos + 3) : r.text[r.pos]!;
  r.pos += quote.length;
  let out = '';
  for (;;) {
    if (r.pos >= r.text.length) r.fail('a string is not closed');
    if (r.text.startsWith(quote, r.pos)) {
      r.pos += quote.length;
      return out;
    }
    const ch = r.text[r.pos]!;
    if (ch === '\n' && !triple) r.fail('a string is not closed on its line');
    if (ch === '\\' && !raw) {
      const next = r.text[r.pos + 1] ?? '';
      out += ESCAPES[next] ?? `\\${next}`;
      r.pos += 2;
      continue;
    }
    out += ch;
    r.pos++;
  }
}

/** Adjacent string literals concatenate, as in Python ('a' 'b' is 'ab'). */
function readStrings(r: Reader): string {
  let out = readString(r);
  while (/^[rRuU]?['"]/.test(r.text.slice((r.skip(), r.pos)))) out += readString(r);
  return out;
}

function readSequence(r: Reader, close: string): PyValue[] {
  const items: PyValue[] = [];
  while (r.peek() !== close) {
    items.push(readValue(r));
    if (r.peek() === ',') r.pos++;
    else if (r.peek() !== close) r.fail(`expected "," or "${close}", found ${r.describeNext()}`);
  }
  r.pos++;
  return items;
}

function readDict(r: Reader): Record<string, PyValue> {
  const out: Record<string, PyValue> = {};
  while (r.peek() !== '}') {
    const key = readValue(r);
    if (typeof key !== 'string') r.fail('dict keys must be strings');
    r.expect(':');
    out[key] = readValue(r);
    if (r.peek() === ',') r.pos++;
    else if (r.peek() !== '}') r.fail(`expected "," or "}", found ${r.describeNext()}`);
  }
  r.pos++;
  return out;
}

function readValue(r: Reader): PyValue {
  const ch = r.peek();
  if (ch === '{') return (r.pos++, readDict(r));
  if (ch === '(') return (r.pos++, readSequence(r, ')'));
  if (ch === '[') return (r.pos++, readSequence(r, ']'));
  const rest = r.text.slice(r.pos);
  if (/^[rRuU]?['"]/.test(rest)) return readStrings(r);
  const number = /^-?\d+(?:\.\d+)?(?![\w.])/.exec(rest);
  if (number) return (r.pos += number[0].length, Number(number[0]));
  const word = /^(True|False|None)\b/.exec(rest);
  if (word) return (r.pos += word[0].length, word[1] === 'True' ? true : word[1] === 'False' ? false : null);
  return r.fail(`${r.describeNext()} is not a literal (only strings, numbers, True/False/None, dicts, tuples and lists are read)`);
}

/** The value of `CONFIG = <literal>` in `text`, the file's only statement. */
export function readConfigLiteral(text: string): PyValue {
  const r = new Reader(text);
  r.skip();
  const assignment = /^CONFIG[ \t]*=/.exec(r.text.slice(r.pos));
  if (assignment === null) return r.fail(`${r.describeNext()}: the file must hold only \`CONFIG = {...}\` (and comments)`);
  r.pos += assignment[0].length;
  const value = readValue(r);
  if (r.peek() !== '') r.fail(`${r.describeNext()}: nothing may follow the CONFIG dict`);
  return value;
}

/** Whether the text is meant as a Debian CONFIG file at all (it assigns CONFIG at the start of a line). */
export function assignsConfig(text: string): boolean {
  return /^CONFIG[ \t]*=/m.test(text);
}
