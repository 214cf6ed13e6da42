// man/gunicorn-ts-debian.1 renders cleanly with man(1) and documents every command and
// option the command line accepts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { COMMANDS, USAGE } from '../../src/debian/cli.js';

const page = fileURLToPath(new URL('../../../man/gunicorn-ts-debian.1', import.meta.url));

function render(): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat', LANG: 'C.UTF-8' };
  const result = spawnSync('man', ['--warnings', '-l', page], { env, encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  return result;
}

describe('gunicorn-ts-debian man page', () => {
  it('renders with man -l, exit 0, no warnings', () => {
    const { status, stderr } = render();
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
  });

  it('documents every command, option, exit status and file', () => {
    const { stdout } = render();
    const options = [...USAGE.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!);
    assert.deepEqual(options, ['--config-dir', '--run-dir', '--log-dir', '--timeout']);
    for (const text of [...COMMANDS, ...options, '--help', 'EXIT STATUS', '/run/gunicorn-ts/NAME.pid', '/var/log/gunicorn-ts/NAME.log', 'LISTEN_FDS']) {
      assert.ok(stdout.includes(text), `missing ${text}`);
    }
  });
});
