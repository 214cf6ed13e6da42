// man/gunicorn-ts-ctl.1 renders cleanly with man(1) and documents every control command and
// every option `gunicorn-ts ctl` and `gunicorn-ts status` accept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderManPage } from '../helpers/man.js';
import { COMMAND_HELP } from '../../src/status/commands.js';
import { CTL_USAGE } from '../../src/status/ctl.js';
import { STATUS_USAGE } from '../../src/status/command.js';

const render = (): ReturnType<typeof renderManPage> => renderManPage('gunicorn-ts-ctl.1', 100);

describe('gunicorn-ts-ctl man page', () => {
  it('renders with man -l, exit 0, no warnings', () => {
    const { status, stderr } = render();
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
  });

  it('documents every command, option and exit status', () => {
    const text = render().stdout.replace(/\u2010/g, '-');
    const options = new Set([...`${CTL_USAGE}\n${STATUS_USAGE}`.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!));
    for (const item of [...Object.keys(COMMAND_HELP).map((c) => c.replace(/ \[.*$| PID$/, '')), ...options, 'EXIT STATUS', '0600', '--no-control-socket']) {
      assert.ok(text.includes(item), `missing ${item}`);
    }
  });
});
