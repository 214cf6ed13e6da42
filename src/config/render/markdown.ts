// Registry → docs/settings.md, the settings reference. Pure and deterministic, so the
// checked-in file can be compared in a test. Descriptions are Markdown already.
import { SECTIONS, type SettingDecl } from '../setting.js';
import { GENERATED_NOTE, defaultLiteral, flagForms, hookSignature } from './summary.js';

function anchor(section: string): string {
  return section.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

function facts(decl: SettingDecl): string[] {
  const flags = flagForms(decl);
  const signature = hookSignature(decl);
  const out: string[] = [];
  if (signature !== undefined) out.push(`- **Hook:** \`${signature}\`, set in a TS/JS config file`);
  else if (flags.length > 0) out.push(`- **Command line:** ${flags.map((f) => `\`${f}\``).join(', ')}`);
  else out.push('- **Command line:** none (config file only)');
  const doc = decl.defaultDoc === undefined ? '' : ` (${decl.defaultDoc})`;
  out.push(`- **Default:** \`${defaultLiteral(decl)}\`${doc}`);
  if (decl.cliOnly === true) out.push('- **Only meaningful on the command line**');
  if (decl.unsupported !== undefined) out.push(`- **Not supported on Node:** ${decl.unsupported}`);
  if (decl.noEffect !== undefined) out.push(`- **No effect on Node:** ${decl.noEffect}`);
  return out;
}

function entry(decl: SettingDecl): string[] {
  return [`### \`${decl.name}\``, '', ...facts(decl), '', decl.desc, ''];
}

export function renderSettingsMarkdown(settings: readonly SettingDecl[]): string {
  const used = SECTIONS.filter((section) => settings.some((s) => s.section === section));
  const lines = [
    '# Settings reference',
    '',
    `> ${GENERATED_NOTE}`,
    '',
    'Every setting has a snake_case name, Gunicorn\'s, used in config files, in the `[server:main]` section of a `--paste` INI file and by `--print-config`; most also have a command-line flag. Sources override each other in this order, lowest first: defaults, environment (`WEB_CONCURRENCY`, `FORWARDED_ALLOW_IPS`, `PORT`), the INI file, the config file, `GUNICORN_CMD_ARGS`, the command line.',
    '',
    '## Sections',
    '',
    ...used.map((section) => `- [${section}](#${anchor(section)})`),
    '',
  ];
  for (const section of used) {
    lines.push(`## ${section}`, '');
    for (const decl of settings.filter((s) => s.section === section)) lines.push(...entry(decl));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
