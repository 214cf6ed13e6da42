// The framework rows of bench/throughput: the same Express 5 and Fastify 5 hello-world app
// served by Node's cluster (2 workers, SCHED_NONE, each calling the framework's own listen())
// and by gunicorn-ts -w 2 (the module exporting the app). Comparing the two isolates what
// gunicorn-ts adds to a framework's own per-request cost.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childPids } from './throughput-proc.js';
import { spawned, type Target } from './throughput-targets.js';

const BIN = fileURLToPath(new URL('../../src/bin/gunicorn-ts.cjs', import.meta.url));
const requireFromRepo = createRequire(fileURLToPath(new URL('../../../package.json', import.meta.url)));

/** `http` is the bare request listener: what gunicorn-ts itself adds, with no framework. */
export type Framework = 'http' | 'express' | 'fastify';

/**
 * `<fw>-app.cjs` exports the app; `<fw>-cluster.cjs` forks WORKERS (default 2) SCHED_NONE
 * workers that listen() on PORT.
 */
export function writeFrameworkApps(dir: string): void {
  const express = JSON.stringify(requireFromRepo.resolve('express'));
  const fastify = JSON.stringify(requireFromRepo.resolve('fastify'));
  writeFileSync(join(dir, 'express-app.cjs'), `const app = require(${express})();
app.get('/', (req, res) => { res.send('Hello World!'); });
module.exports = app;
`);
  writeFileSync(join(dir, 'fastify-app.cjs'), `const app = require(${fastify})({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
module.exports = app;
`);
  writeFileSync(join(dir, 'http-app.cjs'), `module.exports = (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World\\n');
};
`);
  const listen: Record<Framework, string> = {
    http: `require('node:http').createServer(require('./http-app.cjs')).listen(Number(process.env.PORT), '127.0.0.1');`,
    express: `require('./express-app.cjs').listen(Number(process.env.PORT), '127.0.0.1');`,
    fastify: `require('./fastify-app.cjs').listen({ port: Number(process.env.PORT), host: '127.0.0.1' });`,
  };
  for (const fw of ['http', 'express', 'fastify'] as const) {
    writeFileSync(join(dir, `${fw}-cluster.cjs`), `const cluster = require('node:cluster');
cluster.schedulingPolicy = cluster.SCHED_NONE;
if (cluster.isPrimary) { for (let i = 0; i < Number(process.env.WORKERS ?? 2); i++) cluster.fork(); }
else ${listen[fw]}
`);
  }
}

export function frameworkTargets(dir: string, fw: Framework): [cluster: Target, gunicorn: Target] {
  return [
    { name: `${fw}: cluster SCHED_NONE`, start: (port) => spawned(dir, [`${fw}-cluster.cjs`], port, {}, childPids, 2) },
    {
      name: `${fw}: gunicorn-ts -w 2`,
      start: (port) => spawned(dir, [BIN, '-w', '2', '-b', `127.0.0.1:${port}`, `${fw}-app.cjs`], port, {}, childPids, 2),
    },
  ];
}
