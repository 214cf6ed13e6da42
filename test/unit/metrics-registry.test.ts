// The exposition the arbiter serves: metric names, labels and values from a fake source,
// including the request histogram merged from workers' buckets and life-event counters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ArbiterMetrics } from '../../src/metrics/registry.js';
import { emptyStats } from '../../src/metrics/request-stats.js';
import { sendLifecycleToStatsd, type LifecycleChanges } from '../../src/metrics/lifecycle.js';
import { Sim } from './policy-harness.js';

function exposition(): Promise<string> {
  const sim = new Sim({ workers: 2 });
  const [a] = sim.startReady();
  sim.send({ type: 'beat', pid: a!, requests: 9, rss: 5_000_000 });
  const buckets = emptyStats().buckets.slice();
  buckets[0] = 8;
  buckets[buckets.length - 1] = 1;
  const metrics = new ArbiterMetrics({
    state: () => sim.state,
    totals: () => ({ requests: { 'GET 2xx': 8, 'POST 5xx': 1 }, buckets, durationSum: 12.5 }),
    inFlight: () => 3,
    backlogs: async () => new Map([['127.0.0.1:8000', 4]]),
  });
  metrics.record({ boots: 2, retirements: ['crash', 'max_requests', 'max_requests'], replacementSeconds: [1.5], pids: [], gone: [] });
  return metrics.metrics();
}

function sample(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  assert.ok(found, `no sample ${line} in:\n${text}`);
  return Number(found.slice(line.length + 1));
}

describe('ArbiterMetrics exposition', () => {
  it('counts requests by method and status class', async () => {
    const text = await exposition();
    assert.equal(sample(text, 'gunicorn_ts_requests_total{method="GET",status_class="2xx"}'), 8);
    assert.equal(sample(text, 'gunicorn_ts_requests_total{method="POST",status_class="5xx"}'), 1);
    assert.match(text, /# TYPE gunicorn_ts_requests_total counter/);
  });

  it('renders the merged duration histogram with cumulative buckets, sum and count', async () => {
    const text = await exposition();
    assert.match(text, /# TYPE gunicorn_ts_request_duration_seconds histogram/);
    assert.equal(sample(text, 'gunicorn_ts_request_duration_seconds_bucket{le="0.005"}'), 8);
    assert.equal(sample(text, 'gunicorn_ts_request_duration_seconds_bucket{le="10"}'), 8);
    assert.equal(sample(text, 'gunicorn_ts_request_duration_seconds_bucket{le="+Inf"}'), 9);
    assert.equal(sample(text, 'gunicorn_ts_request_duration_seconds_sum'), 12.5);
    assert.equal(sample(text, 'gunicorn_ts_request_duration_seconds_count'), 9);
  });

  it('shows in-flight requests, workers by state and per-worker samples', async () => {
    const text = await exposition();
    assert.equal(sample(text, 'gunicorn_ts_requests_in_flight'), 3);
    assert.equal(sample(text, 'gunicorn_ts_workers{state="ready"}'), 2);
    assert.equal(sample(text, 'gunicorn_ts_workers{state="draining"}'), 0);
    assert.match(text, /gunicorn_ts_worker_requests\{pid="\d+",generation="0"\} 9/);
    assert.match(text, /gunicorn_ts_worker_resident_memory_bytes\{pid="\d+",generation="0"\} 5000000/);
  });

  it('counts boots, retirements by cause (all causes present) and replacement durations', async () => {
    const text = await exposition();
    assert.equal(sample(text, 'gunicorn_ts_worker_boots_total'), 2);
    assert.equal(sample(text, 'gunicorn_ts_worker_retirements_total{cause="max_requests"}'), 2);
    assert.equal(sample(text, 'gunicorn_ts_worker_retirements_total{cause="crash"}'), 1);
    assert.equal(sample(text, 'gunicorn_ts_worker_retirements_total{cause="memory"}'), 0);
    assert.equal(sample(text, 'gunicorn_ts_worker_replacement_duration_seconds_count'), 1);
  });

  it('shows the backlog of each socket', async () => {
    assert.equal(sample(await exposition(), 'gunicorn_ts_listen_backlog{socket="127.0.0.1:8000"}'), 4);
  });

  it('statsd reports the same lifecycle as /metrics: same causes, same counts, same replacement interval', async () => {
    const changes: LifecycleChanges = { boots: 2, retirements: ['crash', 'max_requests', 'max_requests'], replacementSeconds: [1.5], pids: [], gone: [] };
    const sent: string[] = [];
    sendLifecycleToStatsd(changes, {
      increment: (name) => void sent.push(`${name}|c`),
      timing: (name, ms) => void sent.push(`${name}:${ms}|ms`),
    });
    const text = await exposition(); // records the same changes
    assert.equal(sent.filter((l) => l === 'workers.booted|c').length, sample(text, 'gunicorn_ts_worker_boots_total'));
    for (const cause of ['crash', 'max_requests', 'memory']) {
      assert.equal(sent.filter((l) => l === `workers.retired.${cause}|c`).length, sample(text, `gunicorn_ts_worker_retirements_total{cause="${cause}"}`), cause);
    }
    assert.deepEqual(sent.filter((l) => l.endsWith('|ms')), [`workers.replacement_duration:${sample(text, 'gunicorn_ts_worker_replacement_duration_seconds_sum') * 1000}|ms`]);
  });
});
