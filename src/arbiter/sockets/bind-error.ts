// BindError: why the arbiter could not get a socket, worded for an operator. Maps the
// errno of a failed bind/listen to a sentence that names the address and what to check.

export class BindError extends Error {
  /** The address as formatted for logs ("127.0.0.1:8000", "unix:/run/app.sock", "fd://3"). */
  readonly label: string;
  /** The errno name ('EADDRINUSE', 'EACCES', ...) or a gunicorn-ts code ('EBADSOCKET'). */
  readonly code: string;
  constructor(label: string, code: string, message: string) {
    super(message);
    this.name = 'BindError';
    this.label = label;
    this.code = code;
  }
}

const REASONS: Readonly<Record<string, (label: string) => string>> = {
  EADDRINUSE: (l) => `Connection in use: ${l}`,
  EACCES: (l) =>
    l.startsWith('unix:')
      ? `Permission denied: cannot create ${l} (check the directory's permissions and the user)`
      : `Permission denied: cannot bind ${l} (ports below 1024 need root or CAP_NET_BIND_SERVICE)`,
  EPERM: (l) => `Permission denied: cannot bind ${l}`,
  EADDRNOTAVAIL: (l) => `Cannot bind ${l}: this machine has no such address`,
  EAFNOSUPPORT: (l) => `Cannot bind ${l}: this machine does not support that address family`,
  ENOENT: (l) => `Cannot create ${l}: its directory does not exist`,
  ENOTDIR: (l) => `Cannot create ${l}: a component of the path is not a directory`,
  EROFS: (l) => `Cannot create ${l}: read-only file system`,
  ENAMETOOLONG: (l) => `Cannot create ${l}: the path is too long for a Unix socket (at most 107 bytes)`,
  ENOTFOUND: (l) => `Cannot bind ${l}: the host name does not resolve`,
  EBADF: (l) => `Cannot use ${l}: the file descriptor is not open`,
  EINVAL: (l) => `Cannot use ${l}: not a stream socket this process can listen on`,
};

export function bindErrorFor(label: string, code: string, detail?: string): BindError {
  const reason = REASONS[code];
  const text = reason ? reason(label) : `Cannot bind ${label}: ${detail ?? code}`;
  return new BindError(label, code, text);
}
