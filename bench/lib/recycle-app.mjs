// The app of bench/recycle: a worker takes 500 ms to boot (an async factory waiting on its
// "database"), each request waits 40 ms on its backend, and the first 20 requests of a worker
// wait 20 ms more (cold cache). post_worker_init in recycle-warm.conf.mjs may warm the cache.
const BOOT_MS = 500;
const BACKEND_MS = 40;
const COLD_MS = 20;
const COLD_REQUESTS = 20;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function create() {
  await sleep(BOOT_MS);
  let served = 0;
  return async function app(_req, res) {
    const cold = !globalThis.__recycleCacheWarm && served < COLD_REQUESTS;
    served++;
    await sleep(BACKEND_MS + (cold ? COLD_MS : 0));
    const body = JSON.stringify({ pid: process.pid, cold, items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item ${i}` })) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}
