import { defineSetting } from '../setting.js';

export const bind = defineSetting<'bind', readonly string[]>({
  name: 'bind',
  section: 'Server Socket',
  cli: ['-b', '--bind'],
  meta: 'ADDRESS',
  schema: { type: 'array', items: { type: 'string', minLength: 1 } },
  default: ['127.0.0.1:8000'],
  desc: `The socket to bind. Repeat the flag to bind several.

An address is \`HOST\`, \`HOST:PORT\`, \`:PORT\`, \`[IPV6]:PORT\`, \`unix:PATH\` or \`fd://N\` (an already open listening descriptor). When no bind is given and \`PORT\` is set in the environment, \`0.0.0.0:$PORT\` is bound.`,
});

export const backlog = defineSetting<'backlog', number>({
  name: 'backlog',
  section: 'Server Socket',
  cli: ['--backlog'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 1 },
  default: 2048,
  desc: `The maximum number of pending connections the kernel queues for each socket.

Clients beyond it get an error when connecting. Generally set in the 64-2048 range.`,
});

export const reusePort = defineSetting<'reuse_port', boolean>({
  name: 'reuse_port',
  section: 'Server Socket',
  cli: ['--reuse-port'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Set \`SO_REUSEPORT\` on the TCP sockets bound, so other processes may bind the same port.

Several servers (say an old and a new deployment) then listen on one port at once, and the kernel spreads new connections across them. It needs Node 22.12 (or 23.1) or newer: older Node cannot set the option, so startup warns and a second server on the port fails with \`EADDRINUSE\`, named as such. Unix sockets and inherited descriptors are not affected.`,
});

export const serverSocketSettings = [bind, backlog, reusePort] as const;
