// The worker's hot-path recorder: its snapshot has exactly the labels and buckets that
// methodLabel/statusClass/bucketIndex define, so the arbiter reads it like before.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestRecorder } from '../../src/metrics/recorder.js';
import { bucketIndex, DURATION_BUCKETS, isRequestStats, methodLabel, requestKey, statusClass } from '../../src/metrics/request-stats.js';

const CASES: ReadonlyArray<[method: string | undefined, status: number, finished: boolean, seconds: number]> = [
  ['GET', 200, true, 0.001], ['GET', 200, true, 0.005], ['GET', 404, true, 0.0051], ['POST', 201, true, 0.3],
  ['HEAD', 304, true, 2.5], ['DELETE', 500, true, 11], ['PATCH', 101, true, 0], ['OPTIONS', 204, true, 0.01],
  ['CONNECT', 200, false, 1], ['TRACE', 200, true, 10], ['PUT', 999, true, 5], ['BREW', 418, true, 0.05],
  ['get', 200, true, 0.1], [undefined, 200, true, 0.2], ['GET', 200, false, 0.03], ['PROPFIND', 207, false, 7],
];

describe('RequestRecorder', () => {
  it('starts empty', () => {
    const snap = new RequestRecorder().snapshot();
    assert.deepEqual(snap, { requests: {}, buckets: new Array(DURATION_BUCKETS.length + 1).fill(0), durationSum: 0 });
    assert.ok(isRequestStats(snap));
  });

  it('counts by the same method and status-class labels and the same buckets as the reference helpers', () => {
    const recorder = new RequestRecorder();
    const requests: Record<string, number> = {};
    const buckets = new Array<number>(DURATION_BUCKETS.length + 1).fill(0);
    let durationSum = 0;
    for (let round = 0; round < 3; round++) {
      for (const [method, status, finished, seconds] of CASES) {
        recorder.record(method, status, finished, seconds);
        const key = requestKey(methodLabel(method), statusClass(status, finished));
        requests[key] = (requests[key] ?? 0) + 1;
        buckets[bucketIndex(seconds)]!++;
        durationSum += seconds;
      }
    }
    const snap = recorder.snapshot();
    assert.deepEqual(snap.requests, requests);
    assert.deepEqual(snap.buckets, buckets);
    assert.equal(snap.durationSum, durationSum);
    assert.ok(isRequestStats(snap));
  });

  it('returns a copy: later requests do not change an earlier snapshot', () => {
    const recorder = new RequestRecorder();
    recorder.record('GET', 200, true, 0.001);
    const first = recorder.snapshot();
    recorder.record('GET', 200, true, 0.001);
    assert.deepEqual(first.requests, { 'GET 2xx': 1 });
    assert.equal(first.buckets[0], 1);
    assert.deepEqual(recorder.snapshot().requests, { 'GET 2xx': 2 });
  });
});
