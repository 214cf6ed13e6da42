// Registry → the text of `gunicorn-ts --help`: usage, subcommands, the options grouped by the
// man page's sections (Python-only settings apart), each with its type, default and the
// first sentence of its description, wrapped but never cut; examples at the end. Pure, and
// independent of the CLI parser, so --help needs neither yargs nor a loaded configuration.
import { SECTIONS, type JsonSchema, type SettingDecl } from '../setting.js';
import { defaultLiteral, flagForms, shortHelp } from './summary.js';

/** A subcommand as --help lists it. */
export interface SubcommandDoc {
  readonly usage: string;
  readonly summary: string;
}

interface Row {
  readonly flags: string;
  readonly text: string;
}

const PYTHON_ONLY = 'Python-only (Gunicorn settings with no meaning on Node)';

const EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['gunicorn-ts -w 4 -b 127.0.0.1:8000 app.ts:app', 'serve the `app` export of app.ts with 4 workers'],
  ['gunicorn-ts -c gunicorn.conf.ts --check-config', 'validate a config file and load its app, binding nothing (for CI)'],
  ['gunicorn-ts status --pid /run/app.pid', 'show each worker of the running server'],
];

function schemaTypes(schema: JsonSchema): string[] {
  const listed = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  const nested = (schema.anyOf ?? []).flatMap(schemaTypes);
  const named = [...listed, ...nested].filter((t) => t !== 'null').map((t) => (t === 'integer' ? 'number' : t));
  return [...new Set(named)];
}

/** `[number]`, `[boolean]`, `[array]`, `[string|number]`, then `[choices: "a", "b"]` if listed. */
export function typeTag(decl: SettingDecl): string {
  const types = schemaTypes(decl.schema);
  const choices = decl.schema.enum?.filter((v) => v !== null);
  const tags = [types.length === 0 ? '' : `[${types.join('|')}]`, choices === undefined ? '' : `[choices: ${choices.map((v) => JSON.stringify(v)).join(', ')}]`];
  return tags.filter((t) => t !== '').join(' ');
}

/** `[default: 1]`, or nothing when the setting is unset by default. */
export function defaultTag(decl: SettingDecl): string {
  if (decl.defaultDoc !== undefined) return `[default: ${decl.defaultDoc}]`;
  if (decl.default === null || decl.default === undefined) return '';
  return `[default: ${defaultLiteral(decl)}]`;
}

function settingRow(decl: SettingDecl): Row {
  const notes = [decl.unsupported === undefined ? '' : 'Not supported on Node.', decl.noEffect === undefined ? '' : 'No effect on Node.'];
  const text = [shortHelp(decl.desc), ...notes, typeTag(decl), defaultTag(decl)].filter((part) => part !== '').join(' ');
  return { flags: flagForms(decl).join(', '), text };
}

/** Greedy word wrap; a word longer than the width stays whole on its own line. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Two columns: flags, then the text wrapped beside them (below them when the flags are long). */
function table(rows: readonly Row[], columns: number, flagWidth: number): string[] {
  const textWidth = columns - flagWidth - 4;
  return rows.flatMap((row) => {
    const text = wrap(row.text, textWidth);
    const pad = ' '.repeat(flagWidth + 4);
    if (row.flags.length > flagWidth) {
      // Too long for one line even on its own: one flag per line.
      const flagLines = row.flags.length + 2 > columns ? row.flags.split(', ') : [row.flags];
      return [...flagLines.map((f) => `  ${f}`), ...text.map((l) => pad + l)];
    }
    return text.map((l, i) => (i === 0 ? `  ${row.flags.padEnd(flagWidth)}  ${l}` : pad + l));
  });
}

function isPythonOnly(decl: SettingDecl): boolean {
  return decl.unsupported !== undefined || decl.noEffect !== undefined;
}

/** The option groups in man page order: general options, each section, then Python-only settings. */
function groups(settings: readonly SettingDecl[], subcommands: ReadonlyMap<string, SubcommandDoc>): Array<readonly [string, Row[]]> {
  const withFlags = settings.filter((s) => s.cli !== undefined && s.cli.length > 0 && s.hook === undefined);
  const out: Array<readonly [string, Row[]]> = [
    ['Commands', [...subcommands].map(([name, doc]) => ({ flags: name, text: doc.summary }))],
    ['Options', [{ flags: '-h, --help', text: 'Show this help and exit.' }, { flags: '--version', text: 'Show the version and exit.' }]],
  ];
  for (const section of SECTIONS) out.push([section, withFlags.filter((s) => s.section === section && !isPythonOnly(s)).map(settingRow)]);
  out.push([PYTHON_ONLY, withFlags.filter(isPythonOnly).map(settingRow)]);
  return out.filter(([, rows]) => rows.length > 0);
}

export function renderHelp(settings: readonly SettingDecl[], subcommands: ReadonlyMap<string, SubcommandDoc>, columns = 100): string {
  const width = Math.max(60, Math.min(columns, 100));
  const out = ['Usage: gunicorn-ts [OPTIONS] [APP_MODULE]'];
  for (const doc of subcommands.values()) out.push(`       ${doc.usage}`);
  out.push('', ...wrap('APP_MODULE is MODULE[:NAME]: a file (TypeScript works) or a package, and the export to serve, e.g. app.ts:app or ./server.js. Every option is also a config-file setting (`man gunicorn-ts`, docs/settings.md).', width));
  const grouped = groups(settings, subcommands);
  // One flag column for every group, so the descriptions line up down the whole text.
  const flagWidth = Math.min(30, Math.floor(width / 3), Math.max(...grouped.flatMap(([, rows]) => rows.map((r) => r.flags.length))));
  for (const [title, rows] of grouped) out.push('', `${title}:`, ...table(rows, width, flagWidth));
  out.push('', 'Examples:');
  for (const [command, meaning] of EXAMPLES) out.push(`  ${command}`, ...wrap(meaning, width - 6).map((l) => `      ${l}`));
  return out.join('\n');
}
