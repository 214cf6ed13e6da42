// Request headers read straight from req.rawHeaders ([name, value, name, value, ...] as the
// client sent them). Node builds req.headers only when something first reads it; the edge
// and the access log ask for a few headers on every request, and reading the raw list keeps
// that cost away from apps that never look at headers.

/** Whether a raw header name is `lowerName` (given in lower case), ignoring case. */
function named(name: string, lowerName: string): boolean {
  // Header names are ASCII tokens: `| 0x20` lower-cases a letter and leaves digits and '-'
  // alone, so most names are told apart without allocating a lower-cased copy.
  return name.length === lowerName.length && (name.charCodeAt(0) | 0x20) === lowerName.charCodeAt(0)
    && name.toLowerCase() === lowerName;
}

/** The first value: what req.headers holds for headers Node keeps once (authorization, referer, user-agent). */
export function firstRawHeader(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (named(raw[i]!, lowerName)) return raw[i + 1];
  return undefined;
}

/** Every value joined with ', ': what req.headers holds for X-Forwarded-For and other X- headers. */
export function joinedRawHeader(raw: readonly string[], lowerName: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (named(raw[i]!, lowerName)) value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}
