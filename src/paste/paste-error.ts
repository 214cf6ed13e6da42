// The one error type of the Paste INI layer. Its message always starts with the INI file and,
// when known, the section and key, so an operator can go straight to the line at fault.
// It never carries a stack worth showing: callers print `message` and exit.

export interface PasteErrorWhere {
  file: string;
  section?: string;
  key?: string;
}

export class PasteError extends Error {
  readonly file: string;
  readonly section?: string;
  readonly key?: string;

  constructor(where: PasteErrorWhere, detail: string, options?: { cause?: unknown }) {
    super(`${describeWhere(where)}: ${detail}`, options);
    this.name = 'PasteError';
    this.file = where.file;
    if (where.section !== undefined) this.section = where.section;
    if (where.key !== undefined) this.key = where.key;
  }
}

/** "file: [section] key" with the parts that are known. */
export function describeWhere(where: PasteErrorWhere): string {
  let text = where.file;
  if (where.section !== undefined) text += `: [${where.section}]`;
  if (where.key !== undefined) text += ` ${where.key}`;
  return text;
}
