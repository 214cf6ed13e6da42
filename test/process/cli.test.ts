// The command itself: --help, --version, --print-config, --check-config and error exits,
// run as the real binary.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runGunicorn } from '../helpers/server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dir = makeTempDir();
after(() => dir.remove());
const hello = new URL('../../../test/fixtures/cli/hello.ts', import.meta.url).pathname;
const throws = new URL('../../../test/fixtures/cli/throws.ts', import.meta.url).pathname;

describe('gunicorn-ts command', () => {
  it('prints help generated from the settings', async () => {
    const r = await runGunicorn(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: gunicorn-ts \[OPTIONS\] \[APP_MODULE\]/);
    assert.match(r.stdout, /--workers/);
    assert.match(r.stdout, /--wait-for-new-workers/);
    assert.match(r.stdout.replace(/\s+/g, ' '), /--workers INT The number of worker processes serving requests, or `auto` for one per CPU\. \[number\] \[default: 1\]/);
    assert.match(r.stdout, /^Examples:$/m);
  });

  it('prints its version', async () => {
    const r = await runGunicorn(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^gunicorn-ts \d+\.\d+\.\d+ \(Node v\d+/);
  });

  it('--print-config shows each value and the source that set it', async () => {
    const conf = dir.write('print.conf.ts', 'export default { workers: 3 };\n');
    const r = await runGunicorn(['-c', conf, '--print-config', '--timeout', '45'], { env: { WEB_CONCURRENCY: '2', PORT: '9999' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^workers +=  ?3  # ${conf}$`, 'm'));
    assert.match(r.stdout, /^timeout += 45  # command line$/m);
    assert.match(r.stdout, /^bind += \["0\.0\.0\.0:9999"\]  # environment PORT$/m);
    assert.match(r.stdout, /^backlog += 2048  # default$/m);
  });

  it('--check-config passes a good config and app without binding', async () => {
    const conf = dir.write('ok.conf.ts', `export default { app: ${JSON.stringify(hello + ':app')}, bind: ['127.0.0.1:1'] };\n`);
    const r = await runGunicorn(['-c', conf, '--check-config']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Config OK: app .*hello\.ts:app loads/);
  });

  it('--check-config fails with exit 1 on a bad value, without a stack trace', async () => {
    const r = await runGunicorn(['--check-config', '-w', '0', `${hello}:app`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /workers: "0" from command line: must be >= 1/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('--check-config fails with exit 1 when the app name is missing', async () => {
    const r = await runGunicorn(['--check-config', `${hello}:nope`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('--check-config fails with exit 1 when the app throws while loading', async () => {
    const r = await runGunicorn(['--check-config', throws]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /database unreachable at boot/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('rejects an unknown flag with a suggestion and exit 1', async () => {
    const r = await runGunicorn(['--max-request', '3', `${hello}:app`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown option --max-request in command line \(did you mean "--max-requests"\?\)/);
  });
});
