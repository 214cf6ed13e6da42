// How an app module is loaded and how its failures read, through the real binary: plain
// JavaScript through Node's own loader (jiti never loaded), TypeScript through jiti with the
// tsconfig's `paths`, an app that throws at import or whose factory rejects reported once with
// its .ts line and stack, and a listen() at import that warns while the export is served.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { get } from './arbiter-support.js';
import { FIXTURES, runGunicorn, serveApp, type ServerProcess } from '../helpers/server.js';

const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function serveBody(appModule: string): Promise<{ body: string; server: ServerProcess }> {
  const { server, url } = await serveApp(appModule, FIXTURES);
  servers.push(server);
  try {
    const reply = await get(url);
    assert.equal(reply.status, 200, server.stderr);
    return { body: reply.body, server };
  } finally {
    await server.stop();
  }
}

/** 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
}

describe('app loading', { concurrency: 3 }, () => {
  it('a .cjs app loads through Node\'s own loader: jiti is not in the worker', async () => {
    assert.equal((await serveBody('apps/loader-probe.cjs')).body, 'jiti=false');
  });

  it('a TypeScript app loads through jiti', async () => {
    assert.equal((await serveBody('apps/loader-probe.ts')).body, 'jiti=true');
  });

  it("resolves the nearest tsconfig.json's `paths` alias (@lib/*) in a TypeScript app", async () => {
    assert.equal((await serveBody('apps/ts-paths/src/app.ts')).body, 'hello paths through @lib/*');
  });

  it('an app that exports its app and calls listen(8123) at import: served from the export, the port named in a warning', async () => {
    const { body, server } = await serveBody('apps/exports-and-listens.mjs:app');
    assert.equal(body, 'served from the export');
    const file = join(FIXTURES, 'apps/exports-and-listens.mjs');
    const warning = server.lines.find((l) => l.level === 'warning' && /called listen\(\)/.test(l.msg ?? ''));
    assert.ok(warning, server.stderr);
    assert.match(warning.msg!, new RegExp(`on port 8123 at ${file}:${lineOf(file, 'listen(8123)')}:\\d+: ignored, that port is not opened`));
    assert.match(warning.msg!, /export the app instead of calling listen\(\)/);
  });

  it('an app that throws at import, with -w 3: exit 3, reported once with its message, file:line and stack', async () => {
    const { code, stderr } = await runGunicorn(['-w', '3', '-b', '127.0.0.1:0', 'apps/throws-on-load.ts'], { cwd: FIXTURES });
    assert.equal(code, 3);
    const file = join(FIXTURES, 'apps/throws-on-load.ts');
    const where = `${file}:${lineOf(file, 'throw new Error')}:`;
    const reports = stderr.split('\n').filter((line) => line.includes('database unreachable at import time'));
    assert.equal(reports.length, 1, stderr);
    const report = JSON.parse(reports[0]!) as { msg: string; stack: string; worker_pid: number };
    assert.match(report.msg, /^Worker failed to boot: app module "apps\/throws-on-load\.ts" failed to load: database unreachable at import time \(at /);
    assert.ok(report.msg.includes(where), `${report.msg} names ${where}`);
    assert.match(report.stack, new RegExp(`^Error: database unreachable at import time\\n\\s+at .*${where.replace(/[.]/g, '\\.')}`));
    assert.doesNotMatch(report.stack, /dist\/src\/|node_modules\/jiti/, 'gunicorn-ts and jiti frames are left out');
    // The arbiter logs the worker's report, naming the worker; the other workers add no copy.
    assert.equal(typeof report.worker_pid, 'number');
    assert.equal(stderr.split('\n').filter((line) => line.includes('throws-on-load.ts:')).length, 1, stderr);
  });

  it("a factory that rejects: exit 3, reported once with the .ts line of the throw (source-mapped)", async () => {
    const { code, stderr } = await runGunicorn(['-w', '1', '-b', '127.0.0.1:0', 'apps/rejecting-factory.ts:create()'], { cwd: FIXTURES });
    assert.equal(code, 3);
    assert.equal(stderr.split('\n').filter((line) => line.includes('config missing: DATABASE_URL')).length, 1, stderr);
    const file = join(FIXTURES, 'apps/rejecting-factory.ts');
    const report = JSON.parse(stderr.split('\n').find((line) => line.includes('config missing'))!) as { msg: string; stack: string };
    assert.match(report.msg, /^Worker failed to boot: app factory apps\/rejecting-factory\.ts:create\(\) failed: config missing: DATABASE_URL/);
    assert.ok(report.msg.includes(`(at ${file}:${lineOf(file, 'throw new Error')}:`), report.msg);
  });
});
