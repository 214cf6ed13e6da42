// Registry → the man page man/gunicorn-ts.1 (man(7) macros). Pure: the same settings always
// give the same text, with no date, so the checked-in file can be compared in a test.
import { SECTIONS, type SettingDecl } from '../setting.js';
import { roffBlocks, roffEscape, roffInline } from './roff.js';
import { GENERATED_NOTE, defaultLiteral } from './summary.js';

const ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ['WEB_CONCURRENCY', 'The number of workers when no config file, INI file or flag sets `workers`.'],
  ['FORWARDED_ALLOW_IPS', 'The trusted front ends (`forwarded_allow_ips`) when no config file, INI file or flag sets them.'],
  ['PORT', 'When no `bind` is given, bind `0.0.0.0:$PORT`.'],
  ['GUNICORN_CMD_ARGS', 'Extra command-line arguments, e.g. `"-w 4 --timeout 60"`: they override the config file and are overridden by the real command line.'],
  ['XDG_CACHE_HOME', 'V8\'s compiled code of the server is cached in `$XDG_CACHE_HOME/gunicorn-ts/code-cache` (default `~/.cache`), and on Node.js 22.1 or newer that of the app in `$XDG_CACHE_HOME/gunicorn-ts/compile-cache`, so later starts compile less. Node\'s `NODE_COMPILE_CACHE=DIR` puts the app\'s cache elsewhere and `NODE_DISABLE_COMPILE_CACHE=1` turns both off.'],
];

const EXIT_STATUS: ReadonlyArray<readonly [string, string]> = [
  ['0', 'Success.'],
  ['1', 'Configuration or startup error.'],
  ['3', 'A worker failed to boot: the app threw while loading.'],
  ['4', 'The app failed to load: its module or export was not found.'],
];

function tagged(rows: ReadonlyArray<readonly [string, string]>): string[] {
  return rows.flatMap(([tag, text]) => ['.TP', `.B ${roffEscape(tag)}`, roffInline(text)]);
}

/** The `.TP` tag line of a setting: its flags, or its name when it has none. */
function tagLine(decl: SettingDecl): string {
  if (decl.cli !== undefined && decl.cli.length > 0) {
    const meta = decl.meta === undefined ? '' : ` \\fI${roffEscape(decl.meta)}\\fR`;
    return decl.cli.map((flag) => `\\fB${roffEscape(flag)}\\fR${meta}`).join(', ');
  }
  const params = decl.hook === undefined ? '' : `(${decl.hook.params.map((p) => `\\fI${p}\\fR`).join(', ')})`;
  return `\\fB${roffEscape(decl.name)}\\fR${params} (config file only)`;
}

function settingEntry(decl: SettingDecl): string[] {
  const defaultText = `Default: \\fB${roffEscape(defaultLiteral(decl))}\\fR${decl.defaultDoc === undefined ? '' : ` (${roffInline(decl.defaultDoc)})`}.`;
  const facts = [`Setting: \\fB${roffEscape(decl.name)}\\fR.`, defaultText];
  if (decl.unsupported !== undefined) facts.push(`Not supported on Node: ${roffInline(decl.unsupported)}`);
  if (decl.noEffect !== undefined) facts.push(`No effect on Node: ${roffInline(decl.noEffect)}`);
  return ['.TP', tagLine(decl), ...roffBlocks(decl.desc, '.IP'), '.IP', facts.join(' ')];
}

function optionsSection(settings: readonly SettingDecl[]): string[] {
  const out = ['.SH OPTIONS', '.TP', '\\fB\\-h\\fR, \\fB\\-\\-help\\fR', 'Show the options and exit.'];
  out.push('.TP', '\\fB\\-\\-version\\fR', 'Print the version and exit.');
  for (const section of SECTIONS) {
    const inSection = settings.filter((s) => s.section === section);
    if (inSection.length === 0) continue;
    out.push(`.SS "${section}"`, ...inSection.flatMap(settingEntry));
  }
  return out;
}

const DESCRIPTION = [
  'gunicorn-ts is a pre-fork HTTP server for Node.js apps, after Gunicorn: one master process, the arbiter, binds the sockets and keeps a number of worker processes alive that accept connections and serve the app. Workers can be replaced without losing capacity or requests.',
  '`APP_MODULE` is `MODULE[:NAME]`: a file path (TypeScript files work) or a package name, and the export to serve (by default the default export, then `app`, then `application`), optionally called as a factory, e.g. `app.ts:createApp()`.',
  'Each option below is also a setting of the same snake_case name (shown with it) that a config file can set. Sources override each other in this order, lowest first: defaults, environment, the `[server:main]` section of a `--paste` INI file, the config file, `GUNICORN_CMD_ARGS`, the command line. `--print-config` shows which source set each value.',
];

/** A signal and what it does, as the arbiter's signal table declares it. */
export interface SignalDoc {
  readonly signal: string;
  readonly meaning: string;
}

export function renderManPage(settings: readonly SettingDecl[], signals: readonly SignalDoc[]): string {
  const lines = [
    // ASCII only: groff run without preconv warns about any other byte, even in a comment.
    `.\\" ${GENERATED_NOTE.replace('—', '--')}`,
    '.TH GUNICORN\\-TS 1 "" "gunicorn\\-ts" "User Commands"',
    // No hyphenation and a ragged right margin: flags and setting names stay whole.
    '.nh',
    '.ad l',
    '.SH NAME',
    'gunicorn\\-ts \\- pre\\-fork HTTP server and process manager for Node.js apps',
    '.SH SYNOPSIS',
    '.B gunicorn\\-ts',
    '[\\fIOPTIONS\\fR] [\\fIAPP_MODULE\\fR]',
    '.SH DESCRIPTION',
    ...roffBlocks(DESCRIPTION.join('\n\n'), '.PP'),
    ...optionsSection(settings),
    '.SH ENVIRONMENT',
    ...tagged(ENVIRONMENT),
    '.SH SIGNALS',
    ...tagged(signals.map((row) => [row.signal.replace(/^SIG/, ''), row.meaning] as const)),
    '.SH EXIT STATUS',
    ...tagged(EXIT_STATUS),
    '.SH FILES',
    ...tagged([
      ['./gunicorn.conf.ts', 'The config file used when `-c` is not given; `.mts`, `.js`, `.mjs`, `.cjs` and `.json` are tried next, in that order.'],
      ['schemas/gunicorn.schema.json', 'In the package: the JSON Schema of a JSON config file, for editors and CI.'],
    ]),
    '.SH SEE ALSO',
    '.BR node (1),',
    '.BR systemd.socket (5),',
    roffInline('`docs/settings.md` in the package, and Gunicorn\'s documentation <https://docs.gunicorn.org>.'),
  ];
  return `${lines.join('\n')}\n`;
}
