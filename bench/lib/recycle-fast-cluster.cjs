// Node's own floor for bench/recycle-fast: the same app (recycle-fast-app.mjs) in WORKERS
// workers of Node's cluster (SCHED_NONE, each worker accepts, as gunicorn-ts's do), recycled the
// way `--max-requests N --max-requests-jitter J --wait-for-new-workers` recycles: a worker that
// has served its N + random(0..J) requests asks for a replacement and goes on serving; the
// primary forks the replacement and, once it listens (after the app's 0.8 s boot), tells the old
// one to go; the old one stops accepting (`server.close()`, which also closes idle keep-alive
// connections, racing a request a client may have just sent on one: wrk counts those as read
// errors), answers its other keep-alive clients with `Connection: close` and exits when its last
// connection ends. MAX_REQUESTS=0 never recycles.
// Prints `port N` once the first worker listens and `replaced N` each time a worker is replaced.
const cluster = require('node:cluster');

const WORKERS = Number(process.env.WORKERS ?? 2);
const MAX_REQUESTS = Number(process.env.MAX_REQUESTS ?? 0);
const JITTER = Number(process.env.MAX_REQUESTS_JITTER ?? 0);
cluster.schedulingPolicy = cluster.SCHED_NONE;

if (cluster.isPrimary) {
  let replaced = 0;
  let announced = false;
  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message) => {
      if (message !== 'replace me') return;
      fork().once('listening', () => {
        worker.send('go');
        console.log(`replaced ${++replaced}`);
      });
    });
    worker.once('listening', (address) => {
      if (!announced) console.log(`port ${address.port}`);
      announced = true;
    });
    return worker;
  };
  for (let i = 0; i < WORKERS; i++) fork();
} else {
  import('./recycle-fast-app.mjs').then(({ create }) => create()).then((app) => {
    const limit = MAX_REQUESTS + Math.floor(Math.random() * (JITTER + 1));
    let served = 0;
    let going = false;
    const server = require('node:http').createServer((req, res) => {
      if (going) res.setHeader('connection', 'close');
      app(req, res);
      if (++served === limit) process.send('replace me');
    });
    process.on('message', (message) => {
      if (message !== 'go') return;
      going = true;
      server.close(() => process.exit(0));
    });
    server.listen(0, '127.0.0.1');
  });
}
