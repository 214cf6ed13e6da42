// Settings of the "Metrics" section: statsd, the Prometheus endpoint and per-response
// telemetry.
import { defineSetting } from '../setting.js';

export const statsdHost = defineSetting<'statsd_host', string | null>({
  name: 'statsd_host',
  section: 'Metrics',
  cli: ['--statsd-host'],
  meta: 'STATSD_ADDR',
  schema: { type: ['string', 'null'], pattern: '^(unix://.+|(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]]+):[0-9]{1,5})$' },
  default: null,
  desc: `The \`HOST:PORT\` of the statsd server metrics are sent to over UDP, or \`unix://PATH\` for a Unix datagram socket.

Off when unset. UDP needs nothing beyond Node. A \`unix://\` address needs the optional native package \`unix-dgram\` (\`npm install unix-dgram\`), since Node has no Unix datagram sockets; without it the server refuses to start and says so.`,
});

export const statsdPrefix = defineSetting<'statsd_prefix', string>({
  name: 'statsd_prefix',
  section: 'Metrics',
  cli: ['--statsd-prefix'],
  meta: 'STATSD_PREFIX',
  schema: { type: 'string' },
  default: '',
  desc: `A prefix for the statsd metric names; a trailing \`.\` is added when missing.`,
});

export const dogstatsdTags = defineSetting<'dogstatsd_tags', string>({
  name: 'dogstatsd_tags',
  section: 'Metrics',
  cli: ['--dogstatsd-tags'],
  meta: 'DOGSTATSD_TAGS',
  schema: { type: 'string' },
  default: '',
  desc: `Comma-separated tags added to every statsd metric, e.g. \`env:prod,app:shop\`.

Tags are a DogStatsD extension of the protocol; plain statsd servers ignore or reject them.`,
});

export const metricsBind = defineSetting<'metrics_bind', string | null>({
  name: 'metrics_bind',
  section: 'Metrics',
  cli: ['--metrics-bind'],
  meta: 'ADDRESS',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `The address on which the arbiter serves \`/metrics\` and \`/healthz\`.

The same address forms as \`bind\`. This listener is separate from the app's sockets and serves no app data; bind it to loopback or a Unix socket. Off when unset.`,
});

export const enrichResponse = defineSetting<'enrich_response', boolean>({
  name: 'enrich_response',
  section: 'Metrics',
  cli: ['--enrich-response'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Wrap every response body with telemetry about the worker that served it.

The body becomes \`{"res": BODY, "info": {"t1", "d1", "d2", "pid", "nr", "max"}}\`: the arrival time and two durations in microseconds, the worker's pid, the requests it has served, and its \`max_requests\` with jitter. A text body written in pieces streams through the wrapper; a body that is not text (by content type) or is compressed passes through unchanged, with the telemetry in an \`X-Enrich-Info\` response header. For testing and benchmarks, not production.`,
});

export const metricsSettings = [statsdHost, statsdPrefix, dogstatsdTags, metricsBind, enrichResponse] as const;
