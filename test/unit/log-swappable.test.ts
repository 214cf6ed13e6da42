// The master's logger across a HUP: holders keep one object while what it writes to, and
// at which level, follows the Logger swapped in; a logger_class subclass works behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '../../src/log/logger.js';
import { swappableLogger } from '../../src/log/swappable-logger.js';
import { DEFAULTS as DEFAULT_LOG_SETTINGS } from '../helpers/defaults.js';

const lines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

class Tagged extends Logger {
  override info(msg: string, fields?: Record<string, unknown>): void {
    super.info(`tagged: ${msg}`, fields);
  }
}

test('swapping the Logger moves every holder to the new file and level', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gts-swap-'));
  const who = { role: 'arbiter' as const, pid: 1 };
  try {
    const first = new Logger({ ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'a.log'), log_format: 'json' }, who);
    const { log, swap } = swappableLogger(first);
    const holder = { log }; // as the hooks, the control socket and the arbiter hold it
    holder.log.info('before');
    const second = new Tagged({ ...DEFAULT_LOG_SETTINGS, errorlog: join(dir, 'b.log'), log_format: 'json', loglevel: 'warning' }, who);
    assert.equal(swap(second), first);
    await first.close();
    holder.log.info('hidden at warning');
    holder.log.warning('after', { n: 1 });
    holder.log.metrics.increment('x');
    assert.ok(holder.log instanceof Tagged);
    assert.equal(holder.log.settings.loglevel, 'warning');
    await second.close();
    assert.deepEqual(lines(join(dir, 'a.log')).map((l) => l['msg']), ['before']);
    assert.deepEqual(lines(join(dir, 'b.log')).map((l) => [l['level'], l['msg'], l['n']]), [['warning', 'after', 1]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
