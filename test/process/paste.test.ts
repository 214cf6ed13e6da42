// --paste through the real binary: [server:main] as the framework layer, urlmap routing,
// pipelines with filters, and FILE.ini#NAME selecting another app section.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startGunicorn } from '../helpers/server.js';
import type { ServerProcess } from '../helpers/server.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const servers: ServerProcess[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function serve(spec: string, extra: string[] = []): Promise<{ url: string; server: ServerProcess }> {
  // The CLI's bind beats the INI's host/port, as the precedence order says.
  const server = startGunicorn(['--paste', spec, '-b', '127.0.0.1:0', '-w', '1', ...extra], { cwd: repo });
  servers.push(server);
  const [url] = await server.listening();
  await server.waitForLog(/^worker ready$/);
  return { url: url!, server };
}

describe('--paste', () => {
  it('routes each urlmap prefix through its pipeline or app', async () => {
    const { url } = await serve('config-examples/production.ini');
    const api = await fetch(`${url}/api/orders?x=1`);
    assert.equal(api.status, 200);
    assert.deepEqual(await api.json(), { ok: true, path: '/orders?x=1', mountedAt: '/api' });

    const site = await fetch(`${url}/`);
    assert.equal(site.status, 200);
    assert.ok(site.headers.get('x-request-id'), 'the request-id filter of the site pipeline ran');

    assert.equal((await fetch(`${url}/admin/`)).status, 401);
    const admin = await fetch(`${url}/admin/users`, { headers: { authorization: 'Bearer change-me' } });
    assert.equal(admin.status, 200);
    assert.deepEqual(await admin.json(), { admin: 'Example Shop back office', contact: 'ops@example.com', path: '/users' });
  });

  it('takes [server:main] settings below the command line', async () => {
    const { server } = await serve('config-examples/production.ini');
    assert.match(server.lines.find((l) => /^Listening at: /.test(l.msg ?? ''))!.msg!, /127\.0\.0\.1:\d+/);
    const title = await server.waitFor('the master process title', () => {
      try {
        return require_cmdline(server.pid);
      } catch {
        return undefined;
      }
    });
    assert.match(title, /example-shop/, 'proc_name from [server:main]');
  });

  it('FILE.ini#admin serves another app section at the root', async () => {
    const { url } = await serve('config-examples/production.ini#admin');
    const admin = await fetch(`${url}/users`, { headers: { authorization: 'Bearer change-me' } });
    assert.equal(admin.status, 200);
    assert.equal(((await admin.json()) as { path: string }).path, '/users');
    assert.equal((await fetch(`${url}/api/orders`, { headers: { authorization: 'Bearer change-me' } })).status, 200, 'no urlmap: /api is just a path of the admin app');
  });
});

import { readFileSync } from 'node:fs';
function require_cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
}
