// Request stats: labels, buckets, adding and subtracting snapshots, and the arbiter's ledger
// that keeps totals exact across beats, late final reports and worker exits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addStats, bucketIndex, diffStats, DURATION_BUCKETS, emptyStats, isRequestStats, methodLabel, statusClass, totalRequests,
} from '../../src/metrics/request-stats.js';
import type { RequestStatsSnapshot } from '../../src/metrics/request-stats.js';
import { StatsLedger } from '../../src/metrics/stats-ledger.js';

function snap(requests: Record<string, number>, bucket = 0): RequestStatsSnapshot {
  const buckets = emptyStats().buckets.slice();
  buckets[bucket] = totalRequests({ requests, buckets: [], durationSum: 0 });
  return { requests, buckets, durationSum: 0.001 * buckets[bucket]! };
}

describe('labels', () => {
  it('keeps known methods and folds the rest into "other"', () => {
    assert.equal(methodLabel('GET'), 'GET');
    assert.equal(methodLabel('PROPFIND'), 'other');
    assert.equal(methodLabel(undefined), 'other');
  });

  it('gives the status class, or "aborted" for a response that never finished', () => {
    assert.equal(statusClass(204, true), '2xx');
    assert.equal(statusClass(503, true), '5xx');
    assert.equal(statusClass(200, false), 'aborted');
    assert.equal(statusClass(700, true), 'other');
  });

  it('puts a duration in the first bucket whose bound is >= it, else +Inf', () => {
    assert.equal(bucketIndex(0), 0);
    assert.equal(bucketIndex(0.005), 0);
    assert.equal(bucketIndex(0.0051), 1);
    assert.equal(bucketIndex(99), DURATION_BUCKETS.length);
  });
});

describe('snapshots', () => {
  it('add and diff are inverse and never go negative', () => {
    const a = snap({ 'GET 2xx': 3 });
    const b = snap({ 'GET 2xx': 2, 'POST 5xx': 1 }, 4);
    const sum = addStats(a, b);
    assert.deepEqual(sum.requests, { 'GET 2xx': 5, 'POST 5xx': 1 });
    assert.equal(sum.buckets[0], 3);
    assert.equal(sum.buckets[4], 3);
    assert.deepEqual(diffStats(sum, b).requests, { 'GET 2xx': 3, 'POST 5xx': 0 });
    assert.deepEqual(diffStats(a, sum).requests, { 'GET 2xx': 0, 'POST 5xx': 0 });
  });

  it('validates what comes over IPC', () => {
    assert.equal(isRequestStats(snap({ 'GET 2xx': 1 })), true);
    assert.equal(isRequestStats({ requests: {}, buckets: [1], durationSum: 0 }), false);
    assert.equal(isRequestStats({ ...snap({}), requests: { GET: 1 } }), false);
    assert.equal(isRequestStats({ ...snap({}), durationSum: -1 }), false);
    assert.equal(isRequestStats(null), false);
  });
});

describe('StatsLedger', () => {
  it('counts each worker once however many cumulative beats it sends', () => {
    const ledger = new StatsLedger();
    ledger.report(1, snap({ 'GET 2xx': 2 }), 1);
    ledger.report(1, snap({ 'GET 2xx': 5 }), 0);
    ledger.report(2, snap({ 'GET 2xx': 1, 'GET 4xx': 1 }), 3);
    assert.deepEqual(ledger.totals.requests, { 'GET 2xx': 6, 'GET 4xx': 1 });
    assert.equal(ledger.totals.buckets[0], 7);
    assert.equal(ledger.inFlight, 3);
  });

  it('keeps a gone worker\'s counts and adds only the difference of a final report after its exit', () => {
    const ledger = new StatsLedger();
    ledger.report(1, snap({ 'GET 2xx': 4 }), 2);
    ledger.gone(1);
    assert.equal(ledger.inFlight, 0);
    ledger.report(1, snap({ 'GET 2xx': 6 }));
    ledger.report(1, snap({ 'GET 2xx': 6 }), 5);
    assert.deepEqual(ledger.totals.requests, { 'GET 2xx': 6 });
    assert.equal(ledger.inFlight, 0, 'a gone worker has nothing in flight');
  });

  it('ignores a beat without stats for the totals but keeps its in-flight count', () => {
    const ledger = new StatsLedger();
    ledger.report(3, undefined, 4);
    assert.equal(totalRequests(ledger.totals), 0);
    assert.equal(ledger.inFlight, 4);
  });
});
