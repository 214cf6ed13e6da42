// A process that logs and calls process.exit() at once keeps every line: the error log is
// synchronous and the asynchronous access log is flushed on 'exit' by pino.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'gts-exit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const writer = fileURLToPath(new URL('../../../test/fixtures/log/exit-writer.mjs', import.meta.url));

it('no line is lost when the process exits right after logging', () => {
  const errorlog = join(dir, 'error.log');
  const accesslog = join(dir, 'access.log');
  const run = spawnSync(process.execPath, [writer, errorlog, accesslog, '20000'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const access = readFileSync(accesslog, 'utf8').split('\n').filter((l) => l !== '');
  const errors = readFileSync(errorlog, 'utf8').split('\n').filter((l) => l !== '');
  assert.equal(access.length, 20000);
  assert.equal(access[19999], '/r19999');
  assert.equal(errors.length, 20000);
  assert.equal((JSON.parse(errors[19999] ?? '{}') as { msg?: string }).msg, 'e19999');
});
