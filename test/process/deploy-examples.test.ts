// The container and Kubernetes examples (config-examples/docker, config-examples/kubernetes):
// the manifests pass the Kubernetes API schemas (kubernetes-models), their numbers follow
// from the settings gunicorn-ts reads from the same arguments, and the image's HEALTHCHECK
// command, run as Docker would, tells a ready server from an absent one.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runGunicorn, startGunicorn, type ServerProcess } from '../helpers/server.js';

const examples = fileURLToPath(new URL('../../../config-examples/', import.meta.url));
const read = (path: string): string => readFileSync(`${examples}${path}`, 'utf8');
// kubernetes-models is CommonJS with one module per kind.
const require = createRequire(import.meta.url);
interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;
const model = (path: string): ModelClass => (require(`kubernetes-models/${path}`) as Record<string, ModelClass>)[path.split('/').at(-1)!]!;

// Only the fields the checks below read; the schemas check the rest.
interface Probe {
  httpGet: { path: string; port: string };
  periodSeconds: number;
  failureThreshold: number;
}
interface Container {
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  startupProbe: Probe;
  readinessProbe: Probe;
  livenessProbe: Probe;
  lifecycle: { preStop: { sleep: { seconds: number } } };
}
interface Deployment {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { terminationGracePeriodSeconds: number; containers: Container[] } };
  };
}

const deployment = parse(read('kubernetes/deployment.yaml')) as Deployment;
const pdb = parse(read('kubernetes/pdb.yaml')) as { spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } } };
const service = parse(read('kubernetes/service.yaml')) as { spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> } };
const container = deployment.spec.template.spec.containers[0]!;

/** What gunicorn-ts itself reads from the container's arguments (--print-config). */
async function settingsOf(args: readonly string[]): Promise<Map<string, string>> {
  const r = await runGunicorn([...args.slice(1), '--print-config']);
  assert.equal(r.code, 0, r.stderr);
  return new Map(r.stdout.split('\n').flatMap((line) => {
    const m = /^(\w+)\s+= (.*?)  #/.exec(line);
    return m === null ? [] : [[m[1]!, m[2]!] as [string, string]];
  }));
}

/** The Dockerfile's instructions, continuation lines joined. */
function dockerfile(): Array<{ op: string; rest: string }> {
  return read('docker/Dockerfile').replace(/\\\n/g, ' ').split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.trim().split(/\s+/);
      return { op: op!.toUpperCase(), rest: rest.join(' ') };
    });
}

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

describe('Kubernetes manifests', () => {
  it('pass the Kubernetes API schemas', () => {
    new (model('apps/v1/Deployment'))(deployment).validate();
    new (model('policy/v1/PodDisruptionBudget'))(pdb).validate();
    new (model('v1/Service'))(service).validate();
    const broken = structuredClone(deployment);
    (broken.spec.template.spec.containers[0]!.ports[0]! as { containerPort: unknown }).containerPort = 'http';
    assert.throws(() => new (model('apps/v1/Deployment'))(broken).validate(), /containerPort must be integer/);
  });

  it('give the drain its time: terminationGracePeriodSeconds > preStop sleep + graceful_timeout', async () => {
    const settings = await settingsOf(container.args);
    const graceful = Number(settings.get('graceful_timeout'));
    const sleep = container.lifecycle.preStop.sleep.seconds;
    assert.ok(graceful > 0);
    assert.ok(deployment.spec.template.spec.terminationGracePeriodSeconds > sleep + graceful, 'the kubelet would SIGKILL mid-drain');
    // Liveness must not fire during a drain (503 from TERM on) nor during boot (the startup probe covers it).
    const liveness = container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold;
    assert.ok(liveness > deployment.spec.template.spec.terminationGracePeriodSeconds);
  });

  it('probe /healthz on the port gunicorn-ts serves it on, and route traffic to the app only', async () => {
    const settings = await settingsOf(container.args);
    const metricsPort = Number(JSON.parse(settings.get('metrics_bind')!).split(':').at(-1));
    const appPort = Number(JSON.parse(settings.get('bind')!)[0].split(':').at(-1));
    const portOf = (name: string): number | undefined => container.ports.find((p) => p.name === name)?.containerPort;
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
      assert.equal(probe.httpGet.path, '/healthz');
      assert.equal(portOf(probe.httpGet.port), metricsPort);
    }
    assert.equal(portOf('http'), appPort);
    assert.deepEqual(service.spec.ports.map((p) => portOf(p.targetPort)), [appPort]);
    assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
    assert.deepEqual(service.spec.selector, deployment.spec.template.metadata.labels);
  });
});

describe('Dockerfile', () => {
  const lines = dockerfile();
  const all = (op: string): string[] => lines.filter((l) => l.op === op).map((l) => l.rest);

  it('builds in one stage and runs production dependencies as a non-root user in another', () => {
    assert.equal(all('FROM').length, 2);
    assert.match(all('FROM')[0]!, / AS build$/);
    const runStage = lines.slice(lines.findIndex((l, i) => l.op === 'FROM' && i > 0));
    assert.ok(runStage.some((l) => l.op === 'RUN' && /npm ci --omit=dev/.test(l.rest)));
    assert.ok(runStage.some((l) => l.op === 'COPY' && /--from=build/.test(l.rest)));
    const user = all('USER').at(-1);
    assert.ok(user !== undefined && user !== 'root' && user !== '0');
    assert.deepEqual(all('STOPSIGNAL'), ['SIGTERM']);
  });

  it('runs the same command as the Deployment, in exec form so signals reach gunicorn-ts', () => {
    assert.deepEqual(JSON.parse(all('CMD')[0]!), container.args);
  });

  it('has a HEALTHCHECK that passes on a ready server and fails when none answers', async () => {
    const [, json] = /CMD (\[.*\])$/.exec(all('HEALTHCHECK')[0]!)!;
    const command = JSON.parse(json!) as string[];
    assert.match(command.join(' '), /127\.0\.0\.1:9100\/healthz/);
    const probe = (port: number): number | null => {
      const args = command.slice(1).map((a) => a.replace('127.0.0.1:9100', `127.0.0.1:${port}`));
      return spawnSync(process.execPath, args, { timeout: 10_000 }).status;
    };
    const server = startGunicorn(['-b', '127.0.0.1:0', '--metrics-bind', '127.0.0.1:0', '-w', '1', 'cli/hello.ts:app']);
    servers.push(server);
    const line = await server.waitForLog(/^Metrics at: /);
    const port = Number(/:(\d+)$/.exec(line.msg!)![1]);
    // 503 until the worker is ready, then 200: Docker's exit status 0.
    await server.waitFor('the HEALTHCHECK command to pass', () => probe(port) === 0);
    await server.stop();
    assert.equal(probe(port), 1);
  });
});
