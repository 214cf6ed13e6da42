// The HTTP/2 servers bench/http2 and bench/instructions compare gunicorn-ts against: the
// hello-world handler on plain node:http2, as WORKERS (default 2) processes of Node's cluster
// with SCHED_NONE, or as two independent processes sharing the port with reusePort.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeApps } from './throughput-targets.js';

/** `h2-server.cjs` (one process), `h2-cluster.cjs` and `h2-reuseport.cjs`, beside writeApps' handler. */
export function writeHttp2Apps(dir: string): void {
  writeApps(dir);
  writeFileSync(join(dir, 'h2-server.cjs'), `const opts = { port: Number(process.env.PORT), host: '127.0.0.1', reusePort: process.env.REUSE === '1' };
require('node:http2').createServer(require('./handler.cjs')).listen(opts);
`);
  writeFileSync(join(dir, 'h2-cluster.cjs'), `const cluster = require('node:cluster');
cluster.schedulingPolicy = cluster.SCHED_NONE;
if (cluster.isPrimary) { for (let i = 0; i < Number(process.env.WORKERS ?? 2); i++) cluster.fork(); }
else require('./h2-server.cjs');
`);
  writeFileSync(join(dir, 'h2-reuseport.cjs'), `const { fork } = require('node:child_process');
for (let i = 0; i < 2; i++) fork(require.resolve('./h2-server.cjs'), { env: { ...process.env, REUSE: '1' } });
`);
}
