// Which workers shed keep-alive connections: every ready or tired worker while any worker
// warms up, none otherwise.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sheddingPids } from '../../src/arbiter/policy/index.js';
import type { WorkerRecord, WorkerState } from '../../src/arbiter/policy/index.js';

function worker(id: number, state: WorkerState, pid: number | null = 100 + id): WorkerRecord {
  return { id, pid, generation: 0, state, maxRequests: 0, spawnedAt: 0, lastBeat: 0, requests: 0 };
}

describe('sheddingPids', () => {
  it('sheds nothing when no worker is warming', () => {
    assert.deepEqual([...sheddingPids([worker(1, 'ready'), worker(2, 'tired'), worker(3, 'booting')])], []);
  });

  it('sheds every ready and tired worker while one warms, not only its predecessor', () => {
    const workers = [worker(1, 'tired'), worker(2, 'tired'), worker(3, 'warming'), worker(4, 'ready'), worker(5, 'draining'), worker(6, 'booting', null)];
    assert.deepEqual([...sheddingPids(workers)].sort(), [101, 102, 104]);
  });

  it('sheds for a new worker added by TTIN too (no tired worker at all)', () => {
    assert.deepEqual([...sheddingPids([worker(1, 'ready'), worker(2, 'ready'), worker(3, 'warming')])].sort(), [101, 102]);
  });
});
