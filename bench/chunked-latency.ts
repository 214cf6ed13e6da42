// Latency of a response written in two parts (res.write, then res.end on a later tick) over
// one keep-alive connection: plain `node server.cjs` against `gunicorn-ts -w 1`, alternated
// over rounds, with wrk -t1 -c1 --latency. Each request waits for the previous one, so any
// delay the server adds between the two writes shows directly in p50. This is the case that
// exposed a missing TCP_NODELAY on the sockets workers accept (Nagle's algorithm held the
// second part until the client's delayed ACK, about 40 ms per request).
// Run: npm run build && node dist/bench/chunked-latency.js [rounds=3] [seconds=3]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, killGroup, launch, msUntil200 } from './lib/throughput-proc.js';
import { median, parseWrk, type WrkResult } from './lib/throughput-wrk.js';

const BIN = fileURLToPath(new URL('../src/bin/gunicorn-ts.cjs', import.meta.url));
const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'gts-chunked-'));
writeFileSync(join(dir, 'handler.cjs'), `module.exports = (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.write('Hello ');
  setImmediate(() => res.end('World\\n'));
};
`);
writeFileSync(join(dir, 'server.cjs'), `require('node:http').createServer(require('./handler.cjs')).listen(Number(process.env.PORT), '127.0.0.1');
`);

function wrk(url: string): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    execFile('wrk', ['-t1', '-c1', `-d${seconds}s`, '--latency', url], { timeout: (seconds + 30) * 1000 }, (err, stdout) => (err ? reject(err) : resolve(parseWrk(stdout))));
  });
}

const targets = [
  { name: 'node server.cjs', port: 18301, args: ['server.cjs'] },
  { name: 'gunicorn-ts -w 1', port: 18302, args: [BIN, '-w', '1', '-b', '127.0.0.1:18302', 'handler.cjs'] },
];
const results = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const t of targets) {
      const child = launch(process.execPath, t.args, { cwd: dir, env: benchEnv({ PORT: String(t.port) }) });
      try {
        const url = `http://127.0.0.1:${t.port}/`;
        await msUntil200(url, performance.now());
        results.get(t.name)!.push(await wrk(url));
      } finally {
        killGroup(child);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const base = results.get(targets[0]!.name)!;
const baseP50 = median(base.map((r) => r.p50ms));
const baseRps = median(base.map((r) => r.rps));
console.log(`two-part responses, one keep-alive connection, ${rounds} rounds of ${seconds} s (medians)`);
for (const t of targets) {
  const rs = results.get(t.name)!;
  const p50 = median(rs.map((r) => r.p50ms));
  const rps = median(rs.map((r) => r.rps));
  console.log(`${t.name.padEnd(18)} ${rps.toFixed(0).padStart(7)} req/s (${(rps / baseRps).toFixed(2)}x)  p50 ${p50.toFixed(3)} ms (${(p50 / baseP50).toFixed(2)}x)`);
}
