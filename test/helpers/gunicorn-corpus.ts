// Reads Gunicorn's parser test corpus (../shared/corpora/gunicorn-requests/): each case is a
// `.http` file (bytes with `\r\n`, `\0`, `\t`, `\xHH` escapes, line breaks ignored) and a
// `.py` file that sets config with `cfg.set(name, value)` and assigns `request`: an exception
// name (invalid/) or one or more request dicts (valid/). The `.py` files use a small subset of
// Python literals, which evalPySubset() reads without running Python.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExpectedRequest {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  /** [UPPER-CASE name, value] in order; strings are latin1 (one char per byte). */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
  readonly trailers?: readonly (readonly [string, string])[];
}

export interface CorpusCase {
  /** `valid/001`, `invalid/chunked_03`. */
  readonly name: string;
  readonly bytes: Buffer;
  readonly config: ReadonlyMap<string, unknown>;
  /** The expected requests (valid), or the exception Gunicorn raises (invalid). */
  readonly expect: readonly ExpectedRequest[] | string;
}

/** The corpus directory: $GTS_GUNICORN_CORPUS, else ../shared/corpora/gunicorn-requests beside the checkout. */
export function corpusDir(): string {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  return process.env.GTS_GUNICORN_CORPUS ?? path.resolve(root, '../shared/corpora/gunicorn-requests');
}

/** The .http encoding, as Gunicorn's test loader reads it. */
export function decodeHttpFile(raw: Buffer): Buffer {
  let s = raw.toString('latin1').replace(/\n/g, '').replace(/\\r\\n/g, '\r\n');
  s = s.replace(/\\0/g, '\0').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  s = s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(s, 'latin1');
}

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue } | { readonly name: string };

const TOKEN = /\s+|#[^\n]*|(b?)("""|'|")|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([{}[\](),:=.])/y;

/** Evaluates the assignments and cfg.set() calls of a corpus .py file. */
export function evalPySubset(source: string): { vars: Map<string, PyValue>; config: Map<string, unknown> } {
  const tokens: (string | { str: string } | { num: number })[] = [];
  let at = 0;
  while (at < source.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(source);
    if (!m) throw new Error(`cannot read .py at ${source.slice(at, at + 30)}`);
    at = TOKEN.lastIndex;
    if (m[2] !== undefined) {
      const quote = m[2];
      const end = source.indexOf(quote, at);
      let raw = source.slice(at, end);
      while (raw.endsWith('\\') && !raw.endsWith('\\\\')) { // escaped quote
        const next = source.indexOf(quote, at + raw.length + 1);
        raw = source.slice(at, next);
      }
      at += raw.length + quote.length;
      tokens.push({ str: unescapePy(raw) });
    } else if (m[3] !== undefined) tokens.push({ num: Number(m[3]) });
    else if (m[4] !== undefined || m[5] !== undefined) tokens.push((m[4] ?? m[5])!);
  }
  const vars = new Map<string, PyValue>();
  const config = new Map<string, unknown>();
  let i = 0;
  const peek = (): (typeof tokens)[number] | undefined => tokens[i];
  const take = (want?: string): (typeof tokens)[number] => {
    const t = tokens[i++];
    if (want !== undefined && t !== want) throw new Error(`expected ${want}, got ${JSON.stringify(t)}`);
    return t!;
  };
  const list = (close: string): PyValue[] => {
    const items: PyValue[] = [];
    while (peek() !== close) { items.push(expr()); if (peek() === ',') take(); }
    take(close);
    return items;
  };
  // A primary followed by string methods: .decode()/.encode() keep latin1 text as is.
  const expr = (): PyValue => {
    let v = primary();
    while (peek() === '.') {
      take('.');
      const method = take();
      take('(');
      const args = list(')');
      if (method === 'replace' && typeof v === 'string') v = v.split(String(args[0])).join(String(args[1]));
    }
    return v;
  };
  const primary = (): PyValue => {
    const t = take();
    if (typeof t === 'object') {
      if ('str' in t) {
        let s = t.str;
        while (typeof peek() === 'object' && 'str' in (peek() as object)) s += (take() as { str: string }).str;
        return s;
      }
      return t.num;
    }
    if (t === '[' || t === '(') return list(t === '[' ? ']' : ')');
    if (t === '{') {
      const obj: Record<string, PyValue> = {};
      while (peek() !== '}') { const k = String(expr()); take(':'); obj[k] = expr(); if (peek() === ',') take(); }
      take('}');
      return obj;
    }
    if (t === 'True' || t === 'False') return t === 'True';
    if (t === 'None') return null;
    if (peek() === '(') { // a call: uri("...") is the raw target, Config() nothing
      take('(');
      const args = list(')');
      return t === 'uri' ? (args[0] ?? '') : null;
    }
    return vars.get(t) ?? { name: t };
  };
  while (i < tokens.length) {
    const t = take();
    if (t === 'from' || t === 'import') { // `from x import y` / `import x`
      while (i < tokens.length && peek() !== 'import' && t === 'from') take();
      if (t === 'from') take('import');
      take();
      continue;
    }
    if (typeof t !== 'string') throw new Error(`unexpected ${JSON.stringify(t)}`);
    if (peek() === '.') {
      take('.');
      const method = take();
      take('(');
      const args = list(')');
      if (t === 'cfg' && method === 'set') config.set(String(args[0]), args[1]);
      continue;
    }
    take('=');
    vars.set(t, expr());
  }
  return { vars, config };
}

function unescapePy(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ r: '\r', n: '\n', t: '\t', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

function toRequest(v: PyValue): ExpectedRequest {
  const r = v as Record<string, PyValue>;
  const pairs = (x: PyValue | undefined): [string, string][] => ((x ?? []) as PyValue[]).map((p) => {
    const [n, val] = p as [string, string];
    return [n.toUpperCase(), val];
  });
  const version = r.version as number[];
  return {
    method: String(r.method),
    target: String(r.uri),
    version: `${version[0]}.${version[1]}`,
    headers: pairs(r.headers),
    body: String(r.body ?? ''),
    ...(r.trailers !== undefined ? { trailers: pairs(r.trailers) } : {}),
  };
}

/** Every case of the corpus, valid/ then invalid/, or null when the corpus is absent. */
export function loadCorpus(dir = corpusDir()): CorpusCase[] | null {
  if (!fs.existsSync(path.join(dir, 'valid'))) return null;
  const cases: CorpusCase[] = [];
  for (const kind of ['valid', 'invalid']) {
    for (const file of fs.readdirSync(path.join(dir, kind)).filter((f) => f.endsWith('.http')).sort()) {
      const base = file.slice(0, -'.http'.length);
      const { vars, config } = evalPySubset(fs.readFileSync(path.join(dir, kind, `${base}.py`), 'utf8'));
      const request = vars.get('request');
      const expect = kind === 'invalid'
        ? (request as { name: string }).name
        : (Array.isArray(request) ? request : [request!]).map(toRequest);
      cases.push({ name: `${kind}/${base}`, bytes: decodeHttpFile(fs.readFileSync(path.join(dir, kind, file))), config, expect });
    }
  }
  return cases;
}
