// Node.js capabilities that depend on the running version, in one place so the config's
// warnings, the binder and the tests agree on them.

function atLeast(major: number, minor: number): boolean {
  const [maj = 0, min = 0] = process.versions.node.split('.').map(Number);
  return maj > major || (maj === major && min >= minor);
}

/**
 * SO_REUSEPORT on a TCP bind: libuv's UV_TCP_REUSEPORT flag, reachable from Node 22.12 and
 * 23.1 on. Older Node silently drops the flag, so a second server on the port gets EADDRINUSE.
 */
export const reusePortSupported: boolean = atLeast(23, 1) || (atLeast(22, 12) && !atLeast(23, 0));

export const REUSE_PORT_UNSUPPORTED = `reuse_port needs Node.js 22.12 (or 23.1) or newer to set SO_REUSEPORT; this is Node.js ${process.version}, so the port is bound without it and a second server on the same port will fail with EADDRINUSE`;
