// The listen helper, run as each of its two programs (Perl where /usr/bin/perl exists, else
// Node): after it returns, connections queue on the sockets though no process accepts them,
// and a socket that cannot listen is reported by the parent's fd with Node's errno code and
// message, the same from both programs.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ListenProgram, listenInHelper } from '../../src/arbiter/sockets/listen-helper.js';
import { type BoundHandle, bindTcp, bindUnix } from '../../src/arbiter/sockets/native-handle.js';

const dir = mkdtempSync(join(tmpdir(), 'gts-listen-helper-'));
const handles: BoundHandle[] = [];
const clients: net.Socket[] = [];

after(() => {
  for (const client of clients) client.destroy();
  for (const handle of handles) handle.close();
  rmSync(dir, { recursive: true, force: true });
});

function kept(handle: BoundHandle): BoundHandle {
  handles.push(handle);
  return handle;
}

/** 'connected' once the kernel completed the handshake, else the error code (ECONNREFUSED). */
async function connect(options: net.NetConnectOpts): Promise<string> {
  const client = net.connect(options);
  clients.push(client);
  try {
    await once(client, 'connect');
    return 'connected';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

for (const program of ['perl', 'node'] satisfies ListenProgram[]) {
  describe(`listen helper (${program})`, () => {
    it('leaves TCP and Unix sockets listening, so that connections queue', async () => {
      const tcp = kept(bindTcp('127.0.0.1', 0, 4));
      const path = join(dir, `${program}.sock`);
      const unix = kept(bindUnix(path));
      assert.equal(await connect({ host: '127.0.0.1', port: tcp.port }), 'ECONNREFUSED', 'bound is not listening');
      assert.equal(await connect({ path }), 'ECONNREFUSED');

      assert.deepEqual(await listenInHelper([tcp.fd, unix.fd], 16, program), []);
      assert.equal(await connect({ host: '127.0.0.1', port: tcp.port }), 'connected');
      assert.equal(await connect({ path }), 'connected');
      // Again on sockets that listen: only the backlog changes.
      assert.deepEqual(await listenInHelper([tcp.fd, unix.fd], 32, program), []);
      assert.equal(await connect({ host: '127.0.0.1', port: tcp.port }), 'connected');
    });

    it('reports a socket that cannot listen by its fd, with the errno code and message', async () => {
      // Two sockets bound to one port (SO_REUSEADDR, as libuv binds): the second to listen fails.
      const first = kept(bindTcp('127.0.0.1', 0, 4));
      const second = kept(bindTcp('127.0.0.1', first.port, 4));
      const failures = await listenInHelper([first.fd, second.fd], 16, program);
      assert.deepEqual(failures, [{ fd: second.fd, code: 'EADDRINUSE', message: 'listen EADDRINUSE: address already in use' }]);
      assert.equal(await connect({ host: '127.0.0.1', port: first.port }), 'connected', 'the other socket listens');
    });
  });
}
