// A start parses argv with yargs-parser directly, not through yargs: the two must read every
// command line alike. yargs itself (the same registry-built instance that renders --help) is
// the counterpart: each flag of the registry in each form, plus the awkward cases.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildParser, parseFlags } from '../../src/config/sources/argv.js';
import { SETTINGS } from '../../src/config/registry.js';
import type { SettingDecl } from '../../src/config/setting.js';

async function viaYargs(args: readonly string[]): Promise<Record<string, unknown>> {
  const parsed = (await (await buildParser(args)).fail(false).parseSync()) as Record<string, unknown>;
  const { $0: _scriptName, ...rest } = parsed;
  return rest;
}

function viaParser(args: readonly string[]): Record<string, unknown> {
  return parseFlags(args, 'the command line');
}

/** Every flag form of every setting, with a value where it takes one. */
function registryCases(): string[][] {
  const cases: string[][] = [];
  for (const decl of SETTINGS as readonly SettingDecl[]) {
    if (decl.hook) continue;
    for (const flag of decl.cli ?? []) {
      if (decl.schema.type === 'boolean') {
        cases.push([flag], [flag, 'app.js'], [flag, 'false']);
        if (flag.startsWith('--')) cases.push([`--no-${flag.slice(2)}`], [`${flag}=false`]);
      } else {
        cases.push([flag], [flag, '4'], [flag, 'a b', flag, 'c'], [`${flag}=x=y`], [flag, '-1'], [flag, '--'], [flag, '--', 'v']);
        if (!flag.startsWith('--')) cases.push([`${flag}4`]);
      }
    }
  }
  return cases;
}

const AWKWARD: readonly string[][] = [
  [], ['app:create()'], ['a.js', 'b.js'], ['--', '-w', '4'], ['-w', '2', '--', 'app.js'],
  ['-Dw', '2'], ['-Dw2'], ['-h'], ['--help', 'x'], ['--version'], ['--no-version'],
  ['--workers'], ['-w'], ['-w', '-b', ':80'], ['--bind', '--workers', '2'], ['-b', ':1', '-b', ':2'],
  ['--frobnicate'], ['--frobnicate', '3'], ['-Z'], ['--workers=', 'x'], ['-w', ''], ['---w', '1'],
  ['--limit-request-field_size', '9'], ['--limit-request-field-size=9'], ['-e', 'A=1', '-e', 'B=2'],
  ['--log-level', 'debug', '--log-level', 'info'], ['-', 'app.js'], ['--preload', '--preload'],
];

describe('argv: yargs-parser directly reads argv as yargs does', () => {
  it('every flag of the registry, in each form, and the awkward cases', async () => {
    for (const args of [...registryCases(), ...AWKWARD]) {
      let expected: Record<string, unknown> | Error;
      try {
        expected = await viaYargs(args);
      } catch (err) {
        expected = err as Error;
      }
      if (expected instanceof Error) {
        assert.throws(() => viaParser(args), (err: Error) => err.message.startsWith(expected.message), `${JSON.stringify(args)}: yargs failed with ${expected.message}`);
      } else {
        assert.deepEqual(viaParser(args), expected, JSON.stringify(args));
      }
    }
  });
});
