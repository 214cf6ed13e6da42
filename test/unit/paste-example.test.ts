// config-examples/production.ini, loaded as an operator would with --paste, and served.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadPasteApp, parsePasteSpec, readPasteServerSettings } from '../../src/paste/index.js';
import { functionsOnly, serve, type Served } from './paste-serve.js';

const examplesDir = new URL('../../../config-examples/', import.meta.url).pathname;
const auth = { authorization: 'Bearer change-me' };

async function withApp(arg: string, use: (served: Served) => Promise<void>): Promise<void> {
  const served = await serve(await loadPasteApp(parsePasteSpec(arg, examplesDir), { toListener: functionsOnly }));
  try {
    await use(served);
  } finally {
    await served.close();
  }
}

describe('config-examples/production.ini', () => {
  it('gives [server:main] to the config layer with host/port folded into bind', () => {
    const { values, section } = readPasteServerSettings(parsePasteSpec('production.ini', examplesDir));
    assert.equal(section, 'server:main');
    assert.deepEqual(values, { workers: '4', timeout: '30', proc_name: 'example-shop', bind: '127.0.0.1:8000' });
  });

  it('serves the site mount "/" through the request-id filter', () => {
    return withApp('production.ini', async (served) => {
      const res = await served.get('/products/42', { 'x-request-id': 'abc' });
      assert.equal(res.status, 200);
      assert.equal(res.body, '<h1>Example Shop</h1><p>You asked for /products/42</p>\n');
      assert.equal(res.headers.get('x-request-id'), 'abc');
    });
  });

  it('serves the /api mount with the prefix stripped and no filter', () => {
    return withApp('production.ini', async (served) => {
      const res = await served.get('/api/orders?page=2');
      assert.deepEqual(JSON.parse(res.body), { ok: true, path: '/orders?page=2', mountedAt: '/api' });
      assert.equal(res.headers.get('x-request-id'), null);
    });
  });

  it('serves the /admin mount behind both filters, with set/get applied', () => {
    return withApp('production.ini', async (served) => {
      const denied = await served.get('/admin/users');
      assert.equal(denied.status, 401);
      assert.ok(denied.headers.get('x-request-id'), 'request-id runs before admin-only');
      const ok = await served.get('/admin/users', auth);
      assert.deepEqual(JSON.parse(ok.body), { admin: 'Example Shop back office', contact: 'ops@example.com', path: '/users' });
    });
  });

  it('#admin selects the admin pipeline alone, unmounted', () => {
    return withApp('production.ini#admin', async (served) => {
      const res = await served.get('/users', auth);
      assert.equal(JSON.parse(res.body).path, '/users');
    });
  });
});
