// guardListen: while on, an app's listen() binds nothing, is reported with its target and the
// caller's line, and the server is remembered; release() gives Node's listen() back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { guardListen } from '../../src/app/listen-guard.js';

describe('guardListen', () => {
  it('a guarded listen() binds nothing, never calls back, and names the port and the calling line', () => {
    const warnings: string[] = [];
    const guard = guardListen((msg) => warnings.push(msg));
    try {
      const server = createServer();
      let calledBack = false;
      assert.equal(server.listen(8000, '127.0.0.1', () => { calledBack = true; }), server);
      server.listen({ port: 9000 });
      server.listen('/tmp/app.sock');
      assert.equal(server.listening, false);
      assert.equal(server.address(), null);
      assert.equal(calledBack, false);
      assert.deepEqual(guard.captured.map((c) => c.target), ['127.0.0.1 port 8000', 'port 9000', 'path /tmp/app.sock']);
      assert.match(warnings[0]!, /^The app called listen\(\) on 127\.0\.0\.1 port 8000 at \S*listen-guard\.test\.js:\d+:\d+: ignored/);
    } finally {
      guard.release();
    }
  });

  it('after release(), listen() binds again', async () => {
    guardListen(() => undefined).release();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    assert.equal(server.listening, true);
    await new Promise((resolve) => server.close(resolve));
  });
});
