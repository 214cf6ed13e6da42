// What the control socket's commands act on, built from the running arbiter: its policy
// state, worker scaling and signals, the effective configuration and the listening sockets.
// The socket opens before the Arbiter exists; until then `state()` is null.
import { isIPv6 } from 'node:net';
import type { Config } from '../config/registry.js';
import type { ControlTarget, ListenerInfo } from '../status/commands.js';
import type { Arbiter } from './arbiter.js';
import type { ListeningSocket } from './sockets/index.js';

function listenerInfo(socket: ListeningSocket, scheme: string): ListenerInfo {
  const { address } = socket;
  if (address.kind === 'unix') return { address: `unix:${address.path}`, type: 'unix', fd: socket.fd };
  const host = address.kind === 'tcp' ? address.host : '';
  return { address: `${scheme}://${socket.label}`, type: isIPv6(host) ? 'tcp6' : 'tcp', fd: socket.fd };
}

export function controlTarget(arbiter: { current?: Arbiter }, sockets: () => readonly ListeningSocket[], startConfig: Config): ControlTarget {
  const config = (): Config => arbiter.current?.config ?? startConfig;
  return {
    state: () => arbiter.current?.policyState ?? null,
    refresh: () => arbiter.current?.refreshWorkerStats() ?? Promise.resolve(),
    scale: (type) => arbiter.current?.dispatch({ type }),
    config: () => config(),
    listeners: () => sockets().map((s) => listenerInfo(s, config().certfile ? 'https' : 'http')),
    // The very path `kill -SIGNAL <master>` takes, so a reload or shutdown here is one there.
    signalMaster: (signal) => process.kill(process.pid, signal),
    signalWorker: (pid, signal) => arbiter.current?.signalWorker(pid, signal) ?? false,
    instance: (id) => arbiter.current?.instanceSlot(id) ?? null,
  };
}
