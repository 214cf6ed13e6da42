// Each row of the framework matrix (frameworks-rows.ts) through the real binary: the real
// framework package, the app written as its docs write it, one server start per row, GET /
// answered by the framework. Rows that call listen() at import must warn, name the port and
// the line, and leave that port closed in the worker.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { get } from './arbiter-support.js';
import { serveApp, type ServerProcess } from '../helpers/server.js';
import { FRAMEWORK_FIXTURES, MATRIX } from './frameworks-rows.js';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

/** Local TCP ports in LISTEN state whose socket is open in process `pid` (from /proc). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl, local, remote, state (0A = LISTEN), ..., inode at index 9
      if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) ports.push(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

describe('framework matrix: each app as its docs write it, through the binary', { concurrency: 3 }, () => {
  for (const row of MATRIX) {
    it(`${row.framework}, ${row.shape} (${row.format}): ${row.appModule}`, async () => {
      const { server, url } = await serveApp(row.appModule, FRAMEWORK_FIXTURES);
      servers.push(server);
      try {
        const reply = await get(url);
        assert.equal(reply.status, 200, server.stderr);
        assert.equal(reply.body, row.body);
        if (row.listensAt !== undefined) {
          const warning = server.lines.find((l) => l.level === 'warning' && /called listen\(\)/.test(l.msg ?? ''));
          assert.ok(warning, `no listen() warning in ${server.stderr}`);
          assert.match(warning.msg!, new RegExp(`on ${row.listensAt} at \\S*${row.files[0]!.replace('.', '\\.')}:\\d+:\\d+: ignored`));
          const [worker] = server.bootedPids();
          const ports = listeningPorts(worker!);
          assert.ok(!ports.includes(3000), `the worker listens on ${ports.join(', ')}`);
          assert.ok(ports.includes(Number(new URL(url).port)), `the worker serves on the bound port (${ports.join(', ')})`);
        }
      } finally {
        await server.stop();
      }
    });
  }
});
