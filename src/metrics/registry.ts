// The Prometheus metrics the arbiter exposes, on a prom-client registry of their own. Values
// that mirror state are filled in at scrape time (collect); life events are counted as the
// arbiter reports them (record). The request histogram is merged from the workers' buckets.
// prom-client (~13 MB of RSS, ~130 ms to load) is required on first use: only with metrics_bind.
import { createRequire } from 'node:module';
import type { Counter, Histogram, MetricType, Registry } from 'prom-client';
import type { PolicyState } from '../arbiter/policy/types.js';
import { workersByState, workerSamples } from './gauges.js';
import { RETIREMENT_CAUSES } from './lifecycle.js';
import type { LifecycleChanges } from './lifecycle.js';
import { DURATION_BUCKETS, splitRequestKey } from './request-stats.js';
import type { RequestStatsSnapshot } from './request-stats.js';

export const PREFIX = 'gunicorn_ts_';

export interface MetricsSource {
  state(): PolicyState;
  totals(): RequestStatsSnapshot;
  inFlight(): number;
  /** Depth per socket label (see backlog.ts). */
  backlogs(): Promise<Map<string, number>>;
}

type HistogramValue = { labels: Record<string, string | number>; value: number; metricName: string };
type PromClient = typeof import('prom-client');

let promClient: PromClient | undefined;
let mergedHistogram: ReturnType<typeof defineMergedHistogram> | undefined;

/** prom-client is CommonJS: a synchronous require keeps the service's constructor synchronous. */
function prom(): PromClient {
  promClient ??= createRequire(import.meta.url)('prom-client') as PromClient;
  return promClient;
}

/**
 * The type a prom-client metric reports: the name its constructor stored as `type`
 * ('histogram' for a Histogram), which prom-client's own get() returns. Its typings call that
 * field a MetricType, a numeric enum that exists only in the typings; hence the one `as`.
 */
function storedType(metric: object): MetricType {
  const type: unknown = Reflect.get(metric, 'type');
  return type as MetricType;
}

function defineMergedHistogram({ Histogram }: PromClient) {
  /** A histogram whose buckets are already counted elsewhere (by the workers); prom-client only formats it. */
  return class MergedHistogram extends Histogram<'le'> {
    constructor(private readonly id: string, private readonly text: string, private readonly stats: () => RequestStatsSnapshot) {
      super({ name: id, help: text, buckets: [...DURATION_BUCKETS], registers: [] });
    }

    private values(): HistogramValue[] {
      const { buckets, durationSum } = this.stats();
      let cumulative = 0;
      const values: HistogramValue[] = DURATION_BUCKETS.map((le, i) => {
        cumulative += buckets[i] ?? 0;
        return { labels: { le }, value: cumulative, metricName: `${this.id}_bucket` };
      });
      cumulative += buckets[DURATION_BUCKETS.length] ?? 0;
      values.push({ labels: { le: '+Inf' }, value: cumulative, metricName: `${this.id}_bucket` });
      values.push({ labels: {}, value: durationSum, metricName: `${this.id}_sum` });
      values.push({ labels: {}, value: cumulative, metricName: `${this.id}_count` });
      return values;
    }

    override async get(): Promise<Awaited<ReturnType<Histogram<'le'>['get']>>> {
      return { name: this.id, help: this.text, type: storedType(this), aggregator: 'sum', collect: () => undefined, values: this.values() };
    }

    /** prom-client's registry formats from this method when a metric has it. */
    async getForPromString(): Promise<Awaited<ReturnType<Histogram<'le'>['get']>>> {
      return this.get();
    }
  };
}

export class ArbiterMetrics {
  readonly registry: Registry;
  private readonly boots: Counter;
  private readonly retirements: Counter<'cause'>;
  private readonly replacement: Histogram;

  constructor(source: MetricsSource) {
    const { Counter, Gauge, Histogram, Registry } = prom();
    mergedHistogram ??= defineMergedHistogram(prom());
    this.registry = new Registry();
    const registers = [this.registry];
    new Counter({
      name: `${PREFIX}requests_total`, help: 'Requests served by all workers, by method and status class.',
      labelNames: ['method', 'status_class'], registers,
      collect() {
        this.reset();
        for (const [key, n] of Object.entries(source.totals().requests)) {
          const { method, statusClass } = splitRequestKey(key);
          this.inc({ method, status_class: statusClass }, n);
        }
      },
    });
    this.registry.registerMetric(new mergedHistogram(`${PREFIX}request_duration_seconds`, 'Time from request arrival to the end of its response, in seconds.', () => source.totals()));
    new Gauge({
      name: `${PREFIX}requests_in_flight`, help: 'Requests being served, as of each worker\'s last report.', registers,
      collect() { this.set(source.inFlight()); },
    });
    this.workerGauges(source, registers);
    this.boots = new Counter({ name: `${PREFIX}worker_boots_total`, help: 'Workers that booted (loaded the app and started accepting).', registers });
    this.retirements = new Counter({ name: `${PREFIX}worker_retirements_total`, help: 'Workers that left, by cause.', labelNames: ['cause'], registers });
    for (const cause of RETIREMENT_CAUSES) this.retirements.inc({ cause }, 0);
    this.replacement = new Histogram({
      name: `${PREFIX}worker_replacement_duration_seconds`, help: 'From a worker becoming tired to its replacement being ready, in seconds.',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120], registers,
    });
    new Gauge({
      name: `${PREFIX}listen_backlog`, help: 'Connections waiting in the kernel accept queue of each bound socket (no worker has taken them yet).',
      labelNames: ['socket'], registers,
      async collect() {
        this.reset();
        for (const [socket, depth] of await source.backlogs()) this.set({ socket }, depth);
      },
    });
  }

  private workerGauges(source: MetricsSource, registers: Registry[]): void {
    const { Gauge } = prom();
    new Gauge({
      name: `${PREFIX}workers`, help: 'Workers by state.', labelNames: ['state'], registers,
      collect() {
        for (const [state, n] of Object.entries(workersByState(source.state()))) this.set({ state }, n);
      },
    });
    new Gauge({
      name: `${PREFIX}worker_requests`, help: 'Requests served by each live worker, as of its last beat.', labelNames: ['pid', 'generation'], registers,
      collect() {
        this.reset();
        for (const w of workerSamples(source.state())) this.set({ pid: w.pid, generation: w.generation }, w.requests);
      },
    });
    new Gauge({
      name: `${PREFIX}worker_resident_memory_bytes`, help: 'Resident set size of each live worker, read from /proc at its last beat.', labelNames: ['pid', 'generation'], registers,
      collect() {
        this.reset();
        for (const w of workerSamples(source.state())) if (w.rss !== undefined) this.set({ pid: w.pid, generation: w.generation }, w.rss);
      },
    });
  }

  /** Counts the life events found between two states. */
  record(changes: LifecycleChanges): void {
    if (changes.boots > 0) this.boots.inc(changes.boots);
    for (const cause of changes.retirements) this.retirements.inc({ cause });
    for (const seconds of changes.replacementSeconds) this.replacement.observe(seconds);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
