// renderHelp(): the --help text a person reads, generated from the registry: every flag with
// its whole first sentence, type and default, grouped like the man page, Python-only settings
// apart, subcommands and examples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SETTINGS } from '../../src/config/registry.js';
import { SECTIONS, type SettingDecl } from '../../src/config/setting.js';
import { renderHelp, wrap } from '../../src/config/render/help.js';
import { shortHelp } from '../../src/config/render/summary.js';
import { SUBCOMMANDS } from '../../src/commands/subcommands.js';

const all = SETTINGS as readonly SettingDecl[];
const help = renderHelp(all, SUBCOMMANDS, 100);
const flat = help.replace(/\s+/g, ' ');
const withFlags = all.filter((s) => s.cli !== undefined && s.cli.length > 0 && s.hook === undefined);
const pythonOnly = (s: SettingDecl): boolean => s.unsupported !== undefined || s.noEffect !== undefined;

describe('--help', () => {
  it('gives every flag its whole first sentence, never cut at "e.g."', () => {
    for (const decl of withFlags) {
      for (const flag of decl.cli!) assert.ok(help.includes(flag), flag);
      assert.ok(flat.includes(shortHelp(decl.desc)), `${decl.name}: ${shortHelp(decl.desc)}`);
    }
    assert.match(flat, /Comma-separated tags added to every statsd metric, e\.g\. `env:prod,app:shop`\./);
  });

  it('shows numbers as [number] and each default', () => {
    assert.match(flat, /--workers INT The number of worker processes serving requests, or `auto` for one per CPU\. \[number\] \[default: 1\]/);
    assert.match(flat, /--timeout INT Seconds a worker may stay silent before it is killed and replaced\. \[number\] \[default: 30\]/);
    assert.match(flat, /--wait-for-new-workers Keep a worker recycled for `max_requests` or `max_worker_memory` serving until its replacement is ready\. \[boolean\] \[default: false\]/);
    assert.match(flat, /--log-level LEVEL .*\[string\] \[choices: "debug", "info", "warning", "error", "critical"\] \[default: "info"\]/);
    for (const decl of withFlags) {
      const numeric = decl.schema.type === 'integer' || decl.schema.type === 'number';
      if (numeric) assert.ok(flat.includes(`${shortHelp(decl.desc)} [number]`), `${decl.name} is a number`);
    }
  });

  it('groups options in the man page\'s section order, Python-only settings in a group of their own', () => {
    const titles = help.split('\n').filter((l) => /^[A-Z][^:]*:$/.test(l)).map((l) => l.slice(0, -1));
    const sections = titles.filter((t) => (SECTIONS as readonly string[]).includes(t));
    assert.deepEqual(sections, SECTIONS.filter((s) => sections.includes(s)));
    const pythonGroup = help.slice(help.indexOf('Python-only'), help.indexOf('Examples:'));
    for (const decl of withFlags) {
      assert.equal(pythonGroup.includes(decl.cli!.at(-1)!), pythonOnly(decl), decl.name);
    }
    assert.ok(withFlags.some(pythonOnly), 'the registry has Python-only settings');
  });

  it('names the subcommands and ends with three examples', () => {
    for (const [name, doc] of SUBCOMMANDS) {
      assert.ok(help.includes(doc.usage), name);
      assert.match(help, new RegExp(`^  ${name} `, 'm'));
    }
    const examples = help.slice(help.indexOf('\nExamples:\n')).split('\n').filter((l) => l.startsWith('  gunicorn-ts '));
    assert.equal(examples.length, 3);
  });

  it('fits the terminal: no line is wider than the columns asked for', () => {
    for (const columns of [60, 80, 100]) {
      for (const line of renderHelp(all, SUBCOMMANDS, columns).split('\n')) {
        // A command line (usage, examples) is never broken, nor is one long word.
        const unbreakable = line.trim().split(' ').length === 1 || /^\s*(Usage: )?gunicorn-ts /.test(line);
        assert.ok(line.length <= columns || unbreakable, `${columns}: ${line}`);
      }
    }
    assert.deepEqual(wrap('a bb ccc dddd', 6), ['a bb', 'ccc', 'dddd']);
  });
});
