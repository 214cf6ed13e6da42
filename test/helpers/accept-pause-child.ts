// Child process for test/unit/accept-pause.test.ts: listens on the inherited fd 3 the way a
// worker does, and obeys 'pause' / 'resume' / 'count' over IPC, answering with how many
// connections it has accepted so far. With the argument `pause-on-first`, it pauses from
// inside the callback of its first accepted connection, as the connection gate does.
import { createServer, type Socket } from 'node:net';
import { acceptPauseOf } from '../../src/worker/accept-pause.js';

const accepted: Socket[] = [];
const pauseOnFirst = process.argv[2] === 'pause-on-first';
let control: ReturnType<typeof acceptPauseOf> = null;
const server = createServer({ pauseOnConnect: true }, (socket) => {
  accepted.push(socket);
  if (pauseOnFirst && accepted.length === 1) control?.pause();
});
server.listen({ fd: 3 }, () => {
  control = acceptPauseOf(server);
  process.on('message', (cmd: unknown) => {
    let ok = true;
    if (cmd === 'pause') ok = control?.pause() ?? false;
    else if (cmd === 'resume') control?.resume();
    process.send?.({ ok, accepted: accepted.length, paused: control?.paused ?? false });
  });
  process.send?.({ ok: true, accepted: 0, paused: false });
});
process.on('disconnect', () => process.exit(0));
