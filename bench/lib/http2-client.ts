// The Node fallback load client of bench/http2 when h2load is absent: `sessions` HTTP/2
// cleartext (prior knowledge) connections with `streams` requests in flight on each, for
// `seconds`; prints {"requests":N,"failed":N} on stdout.
// Run: node dist/bench/lib/http2-client.js ORIGIN SECONDS SESSIONS STREAMS
import http2 from 'node:http2';

const [origin = 'http://127.0.0.1:8000', seconds = '8', sessions = '8', streams = '10'] = process.argv.slice(2);
const until = performance.now() + Number(seconds) * 1000;
let requests = 0;
let failed = 0;

function one(session: http2.ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => {
    const req = session.request({ ':path': '/' });
    let status = 0;
    req.on('response', (h) => { status = Number(h[':status']); });
    req.on('data', () => undefined);
    req.on('end', () => { if (status === 200) requests++; else failed++; resolve(); });
    req.on('error', () => { failed++; resolve(); });
    req.end();
  });
}

async function connection(): Promise<void> {
  const session = http2.connect(origin);
  session.on('error', () => undefined);
  await Promise.all(Array.from({ length: Number(streams) }, async () => {
    while (performance.now() < until && !session.destroyed) await one(session);
  }));
  session.close();
}

await Promise.all(Array.from({ length: Number(sessions) }, () => connection()));
process.stdout.write(`${JSON.stringify({ requests, failed })}\n`);
