// The glob patterns `reload_extra_files` accepts (as Gunicorn 26.1 has them): an entry with
// `*`, `?` or `[` is a pattern, `**` crosses directories, and `*`/`?` never match a dotfile.
// Pure: turns a pattern into the directory to watch, the depth to walk and a matcher.
import { isAbsolute, resolve, sep } from 'node:path';

export function isGlobPattern(entry: string): boolean {
  return /[*?[]/.test(entry);
}

export interface GlobPattern {
  /** The pattern as given, for logs. */
  readonly source: string;
  /** The deepest directory without a wildcard: everything that can match lies under it. */
  readonly base: string;
  /** How many directory levels below `base` a match can be (Infinity with `**`). */
  readonly depth: number;
  /** Does this absolute path match? */
  matches(path: string): boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|\\/]/g, '\\$&');
}

/** One path segment of a pattern (no `/`) as a regular expression source. */
function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      const body = segment.slice(i + 1, end);
      out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else out += escapeRegExp(c);
  }
  // As in glob: a wildcard at the start of a segment does not match a leading dot.
  return /^[*?[]/.test(segment) ? `(?!\\.)${out}` : out;
}

/** Compiles `pattern`, relative to `cwd` unless absolute. */
export function compileGlob(pattern: string, cwd: string): GlobPattern {
  const absolute = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  const segments = absolute.split(sep).filter((s, i) => s !== '' || i === 0);
  const firstWild = segments.findIndex((s) => isGlobPattern(s));
  const baseSegments = firstWild < 0 ? segments : segments.slice(0, firstWild);
  const base = baseSegments.join(sep) || sep;
  const rest = firstWild < 0 ? [] : segments.slice(firstWild);
  let source = escapeRegExp(base === sep ? '' : base);
  for (const [i, segment] of rest.entries()) {
    if (segment === '**') {
      // Zero or more directories, none of them hidden; a trailing ** matches every file below.
      source += i === rest.length - 1 ? '(?:/(?!\\.)[^/]+)+' : '(?:/(?!\\.)[^/]+)*';
    } else source += `/${segmentSource(segment)}`;
  }
  const regexp = new RegExp(`^${source}$`);
  const depth = rest.includes('**') ? Infinity : Math.max(0, rest.length - 1);
  return { source: pattern, base, depth, matches: (path) => regexp.test(path) };
}
