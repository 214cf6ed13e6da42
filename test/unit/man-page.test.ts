// man/gunicorn-ts.1 renders with man(1) without a groff warning and documents the options.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderManPage } from '../helpers/man.js';
import { shortHelp } from '../../src/config/render/summary.js';
import { roffBlocks, roffInline } from '../../src/config/render/roff.js';

const renderWithMan = (): ReturnType<typeof renderManPage> => renderManPage('gunicorn-ts.1');

describe('man page', () => {
  it('renders with man -l, exit 0, no warnings', () => {
    const { status, stderr } = renderWithMan();
    assert.equal(status, 0, stderr);
    assert.equal(stderr, '');
  });

  it('documents the options, environment, signals and exit statuses', () => {
    const { stdout } = renderWithMan();
    for (const text of ['--workers', '--wait-for-new-workers', '--limit-request-field_size', 'GUNICORN_CMD_ARGS', 'WINCH', 'EXIT STATUS', 'APP_MODULE']) {
      assert.ok(stdout.includes(text), `missing ${text}`);
    }
  });
});

describe('Markdown to roff', () => {
  it('turns code, bold and links into font escapes and escapes minus signs', () => {
    assert.equal(roffInline('use `--workers` and **not** [docs](https://x.org)'), 'use \\fB\\-\\-workers\\fR and \\fBnot\\fR docs <https://x.org>');
  });

  it('guards lines that start with a period and renders lists', () => {
    assert.deepEqual(roffBlocks('.hidden file\n\n- a\n- b', '.IP'), ['\\&.hidden file', '.IP', '.RS', '.IP \\(bu 2', 'a', '.IP \\(bu 2', 'b', '.RE']);
  });

  it('takes the first sentence as short help, past "e.g."', () => {
    assert.equal(shortHelp('Tags, e.g. `a:b`, for metrics. More text.'), 'Tags, e.g. `a:b`, for metrics.');
  });
});
