// Writes the pieces of a log line straight into a Buffer as UTF-8: the access log encodes
// each line into its current batch this way, with no string built for the line. Building
// the line as a JS string first costs a concatenated string per piece, a copy to flatten
// it and a call into V8 to encode it; with the line's pieces mostly ASCII, a JS loop that
// stores each character's code is ~40% cheaper per line and allocates nothing
// (docs/logging.md, "What the access log costs").
//
// Every function takes the offset to write at and returns the offset after what it wrote,
// or FULL when that does not fit before the end of the buffer; given FULL it returns FULL,
// so the pieces of a line chain without a check between them. What they write is the
// same bytes as Buffer.from(text) for the same text.

/** The offset returned when a piece does not fit; the caller writes the line again elsewhere. */
export const FULL = -1;

/** Writes `text` as UTF-8. */
export function putText(buf: Buffer, at: number, text: string): number {
  const n = text.length;
  if (at < 0 || at + n > buf.length) return FULL;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return putNonAscii(buf, at + i, text.slice(i));
    buf[at + i] = code;
  }
  return at + n;
}

/** The rest of a text from its first non-ASCII character, through Node's own encoder. */
function putNonAscii(buf: Buffer, at: number, rest: string): number {
  // A UTF-16 unit takes at most 3 bytes of UTF-8: reserving that much means write() never
  // cuts a character short. The cut from putText falls after an ASCII character, so never
  // inside a surrogate pair.
  if (at + rest.length * 3 > buf.length) return FULL;
  return at + buf.write(rest, at);
}

/** Writes bytes already encoded (a format's literal text, a cached timestamp). */
export function putBytes(buf: Buffer, at: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (at < 0 || at + n > buf.length) return FULL;
  // A loop copies a format's few-byte literals faster than Buffer#set, which takes ~15 ns
  // at any length and wins from about a dozen bytes (the 28-byte timestamp).
  if (n > 12) buf.set(bytes, at);
  else for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!;
  return at + n;
}

/** Writes a number as String(n) prints it; non-negative integers take a digit loop. */
export function putNumber(buf: Buffer, at: number, n: number): number {
  if (n < 0 || (n | 0) !== n) return putText(buf, at, String(n));
  let digits = 1;
  for (let rest = n; rest >= 10; rest = (rest / 10) | 0) digits++;
  if (at < 0 || at + digits > buf.length) return FULL;
  const end = at + digits;
  let i = end;
  let rest = n;
  do {
    const tens = (rest / 10) | 0;
    buf[--i] = 0x30 + rest - tens * 10;
    rest = tens;
  } while (rest > 0);
  return end;
}
