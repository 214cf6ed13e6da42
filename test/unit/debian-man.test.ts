// man/gunicorn-ts-debian.1 renders cleanly with man(1) and documents every command and
// option the command line accepts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderManPage } from '../helpers/man.js';
import { COMMANDS, USAGE } from '../../src/debian/cli.js';

const render = (): ReturnType<typeof renderManPage> => renderManPage('gunicorn-ts-debian.1');

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
