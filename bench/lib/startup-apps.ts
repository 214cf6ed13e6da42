// The apps every start-up bench measures, and how each names its port: bench/startup times
// them, bench/startup-instructions counts their instructions. hello.cjs is the handler;
// plain.cjs serves it from one process, cluster.cjs from one worker of Node's cluster (the
// floor of a manager and a worker). Both listen on port 0 and print `port N`. cluster-deps.cjs
// is cluster.cjs whose primary first requires two small packages (ini, yargs-parser), as any
// primary that does more than fork does: on Node 24 that alone makes V8 compile Node's own path
// functions with Maglev, several MB of RSS the bare primary never pays (bench/README.md).
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const fromRepo = createRequire(import.meta.url);

export function writeStartupApps(dir: string): void {
  writeFileSync(join(dir, 'hello.cjs'), `module.exports = (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('Hello World\\n');
};
`);
  writeFileSync(join(dir, 'plain.cjs'), `const server = require('node:http').createServer(require('./hello.cjs'));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`);
  writeFileSync(join(dir, 'cluster.cjs'), `const cluster = require('node:cluster');
if (cluster.isPrimary) {
  cluster.fork();
  cluster.on('listening', (worker, address) => console.log('port ' + address.port));
} else {
  require('node:http').createServer(require('./hello.cjs')).listen(0, '127.0.0.1');
}
`);
  writeFileSync(join(dir, 'cluster-deps.cjs'), `const cluster = require('node:cluster');
if (cluster.isPrimary) {
  require(${JSON.stringify(fromRepo.resolve('ini'))});
  require(${JSON.stringify(fromRepo.resolve('yargs-parser'))});
}
require('./cluster.cjs');
`);
}

/** The `port N` line of plain.cjs and cluster.cjs. */
export const PORT_LINE = /^port (\d+)$/m;
/** gunicorn-ts's line naming the port it bound. */
export const GUNICORN_PORT_LINE = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/;

/** Resolves with the port once the process logs it (stdout or stderr), keeps draining both after. */
export function portOf(child: ChildProcess, line: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const port = line.exec(seen)?.[1];
      if (port !== undefined) resolve(Number(port));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before naming its port:\n${seen}`)));
  });
}
