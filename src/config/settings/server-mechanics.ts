// Settings of the "Server Mechanics" section: how the processes are started, where they
// run, as whom, and what they load. Proxy-related mechanics are in proxies.ts.
import { defineSetting } from '../setting.js';

export const preloadApp = defineSetting<'preload_app', boolean>({
  name: 'preload_app',
  section: 'Server Mechanics',
  cli: ['--preload'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Load the app in the arbiter before starting the workers.

A broken app then fails once, before any worker starts, instead of in every worker. Each worker still loads its own copy (Node processes are spawned, not forked, so no memory is shared). Incompatible with \`reload\`.`,
});

export const sendfile = defineSetting<'sendfile', boolean>({
  name: 'sendfile',
  section: 'Server Mechanics',
  cli: ['--sendfile'],
  schema: { type: 'boolean' },
  default: true,
  noEffect: "Node's http server writes response bodies through the socket and never uses sendfile(2); the setting is kept for Gunicorn compatibility only.",
  desc: `Use \`sendfile(2)\` for file responses (accepted for compatibility, no effect).

Node's http server always writes bodies through the socket and never calls \`sendfile(2)\`, so gunicorn-ts cannot honour it. It is declared so Gunicorn configurations load; setting it logs a warning. \`--no-sendfile\` sets it to false.`,
});

export const chdir = defineSetting<'chdir', string | null>({
  name: 'chdir',
  section: 'Server Mechanics',
  cli: ['--chdir'],
  meta: 'DIR',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  defaultDoc: 'the current directory',
  desc: `Change to this directory before loading the app.

Relative paths in \`APP_MODULE\` and in module resolution are taken from there.`,
});

export const daemon = defineSetting<'daemon', boolean>({
  name: 'daemon',
  section: 'Server Mechanics',
  cli: ['-D', '--daemon'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Detach from the terminal and run in the background.

The command returns only once the daemon serves (exit 0) or failed to start (exit 1, with its error). Standard streams go to \`/dev/null\` unless \`enable_stdio_inheritance\` is set.`,
});

export const rawEnv = defineSetting<'raw_env', readonly string[]>({
  name: 'raw_env',
  section: 'Server Mechanics',
  cli: ['-e', '--env'],
  meta: 'ENV',
  schema: { type: 'array', items: { type: 'string', pattern: '^[^=\\s]+=' } },
  default: [],
  desc: `Set an environment variable for the app, as \`KEY=VALUE\`.

Repeat the flag for several variables. They are set before the app is loaded, e.g. \`-e NODE_ENV=production\`.`,
});

export const pidfile = defineSetting<'pidfile', string | null>({
  name: 'pidfile',
  section: 'Server Mechanics',
  cli: ['-p', '--pid'],
  meta: 'FILE',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `The file the arbiter writes its process id to.

Written once the sockets are bound and removed on exit. None is written when unset.`,
});

export const workerTmpDir = defineSetting<'worker_tmp_dir', string | null>({
  name: 'worker_tmp_dir',
  section: 'Server Mechanics',
  cli: ['--worker-tmp-dir'],
  meta: 'DIR',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  defaultDoc: "the system's temporary directory",
  desc: `The directory for temporary files written on behalf of workers.

Unlike Gunicorn, workers send their heartbeats over the IPC channel rather than by touching a file, so little or nothing is written here.`,
});

const USER_SCHEMA = { type: ['string', 'integer', 'null'], minLength: 1, minimum: 0 } as const;

export const user = defineSetting<'user', string | number | null>({
  name: 'user',
  section: 'Server Mechanics',
  cli: ['-u', '--user'],
  meta: 'USER',
  schema: USER_SCHEMA,
  default: null,
  desc: `Run the workers as this user, given as a name or a numeric id.

\`null\` leaves the user unchanged. Switching needs the arbiter to run as root; when it cannot, startup fails.`,
});

export const group = defineSetting<'group', string | number | null>({
  name: 'group',
  section: 'Server Mechanics',
  cli: ['-g', '--group'],
  meta: 'GROUP',
  schema: USER_SCHEMA,
  default: null,
  desc: `Run the workers as this group, given as a name or a numeric id.

\`null\` leaves the group unchanged.`,
});

export const initgroups = defineSetting<'initgroups', boolean>({
  name: 'initgroups',
  section: 'Server Mechanics',
  cli: ['--initgroups'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Give workers every supplementary group of \`user\`, plus \`group\`.

Without it, a worker that switches identity keeps only its one group (\`group\`, or the user's primary group): the arbiter's own supplementary groups (root's) never reach a worker. Needs \`user\` given by name or by an id that has a passwd entry.`,
});

/** Reads "0o22", "022" (octal, a leading zero as in Gunicorn), "0x12" and "18"; other values pass through. */
export function parseUmask(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (/^0[oO][0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8);
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[0-9]+$/.test(text)) return parseInt(text, 10);
  return value;
}

export const umask = defineSetting<'umask', number>({
  name: 'umask',
  section: 'Server Mechanics',
  cli: ['-m', '--umask'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0, maximum: 0o777 },
  default: 0,
  coerce: parseUmask,
  desc: `The file mode mask for the Unix socket files and worker temporary files the server creates.

As in Gunicorn, the arbiter and the workers otherwise keep the umask they were started with, so log files, the pidfile and the files an app writes follow the caller's umask (a daemonized master uses \`0022\`).

A number from 0 to 511 (\`0o777\`). A string is read like a number literal: \`"0o22"\` and \`"0022"\` (a leading zero) are octal, \`"0x12"\` is hexadecimal, \`"18"\` is decimal.`,
});

export const tmpUploadDir = defineSetting<'tmp_upload_dir', string | null>({
  name: 'tmp_upload_dir',
  section: 'Server Mechanics',
  schema: { type: ['string', 'null'] },
  default: null,
  unsupported: "Node's http server never buffers request bodies to disk: the app reads the body as a stream.",
  desc: `Where Gunicorn spools large request bodies (no meaning on Node).

Node's http server hands the body to the app as a stream and never writes it to disk, so setting it is an error.`,
});

export const pythonpath = defineSetting<'pythonpath', string | null>({
  name: 'pythonpath',
  section: 'Server Mechanics',
  cli: ['--pythonpath'],
  meta: 'STRING',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `Comma-separated extra directories searched for the app's modules and packages.

A bare \`APP_MODULE\` package name, and the packages the app imports, are also looked up in these directories.`,
});

export const paste = defineSetting<'paste', string | null>({
  name: 'paste',
  section: 'Server Mechanics',
  cli: ['--paste', '--paster'],
  meta: 'STRING',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `Load the app and server settings from a PasteDeploy-style INI file.

Append \`#NAME\` to choose an app section other than \`main\` (\`production.ini#admin\`). The \`[server:main]\` section's keys are settings, overridden by the config file and the command line.`,
});

export const rawPasteGlobalConf = defineSetting<'raw_paste_global_conf', readonly string[]>({
  name: 'raw_paste_global_conf',
  section: 'Server Mechanics',
  cli: ['--paste-global'],
  meta: 'CONF',
  schema: { type: 'array', items: { type: 'string', pattern: '^[^=\\s]+=' } },
  default: [],
  desc: `Set a global variable of the \`--paste\` INI file, as \`KEY=VALUE\`.

Repeat the flag for several. The values take the place of the file's \`[DEFAULT]\` entries of the same name, so \`%(KEY)s\` in any section and the app factory's global config see them, e.g. \`--paste-global FOO=1\`.`,
});

export const djangoSettings = defineSetting<'django_settings', string | null>({
  name: 'django_settings',
  section: 'Server Mechanics',
  cli: ['--settings'],
  meta: 'STRING',
  schema: { type: ['string', 'null'] },
  default: null,
  unsupported: 'Django is a Python framework. Pass settings to a Node app through the environment instead (`-e KEY=VALUE`).',
  desc: `Django's settings module (Python only).

There is no Django on Node, so setting it is an error. Pass such values with \`raw_env\` instead.`,
});

export const controlSocket = defineSetting<'control_socket', string | null>({
  name: 'control_socket',
  section: 'Server Mechanics',
  cli: ['--control-socket'],
  meta: 'PATH',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  defaultDoc: '`<pidfile>.ctl` with a pidfile, else `$XDG_RUNTIME_DIR/gunicorn.ctl`, else `$HOME/.gunicorn/gunicorn.ctl`',
  desc: `The Unix socket of the control interface (\`gunicorn-ts ctl\`, \`gunicorn-ts status\`).

Through it an operator lists workers and statistics, adds and removes workers, reloads, reopens the logs and shuts down (see \`man gunicorn-ts-ctl\` and docs/status.md). As in Gunicorn 26 it is on by default, at \`$XDG_RUNTIME_DIR/gunicorn.ctl\` (when that directory exists) or \`$HOME/.gunicorn/gunicorn.ctl\` (the directory is created, mode 0700); with a \`pidfile\` the default is \`<pidfile>.ctl\` instead, so instances that each have a pidfile each get their own socket. When the default path is already served by another running master, this one starts without a control socket and says so. \`--print-config\` shows the path in use.`,
});

export const controlSocketMode = defineSetting<'control_socket_mode', number>({
  name: 'control_socket_mode',
  section: 'Server Mechanics',
  cli: ['--control-socket-mode'],
  meta: 'INT',
  schema: { type: 'integer', minimum: 0, maximum: 0o777 },
  default: 0o600,
  defaultDoc: '0600',
  coerce: parseUmask,
  desc: `The file mode of the control socket.

The socket has no other authentication: the default 0600 lets only its owner (the user the arbiter runs as) connect; 0660 adds the group. Read like \`umask\`: \`"0660"\` and \`"0o660"\` are octal.`,
});

export const controlSocketDisable = defineSetting<'control_socket_disable', boolean>({
  name: 'control_socket_disable',
  section: 'Server Mechanics',
  cli: ['--no-control-socket'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Start no control socket.

\`gunicorn-ts ctl\` and \`gunicorn-ts status\` then cannot reach this server; signals still work.`,
});

export const serverMechanicsSettings = [
  preloadApp,
  sendfile,
  chdir,
  daemon,
  rawEnv,
  pidfile,
  workerTmpDir,
  user,
  group,
  initgroups,
  umask,
  tmpUploadDir,
  pythonpath,
  paste,
  rawPasteGlobalConf,
  djangoSettings,
  controlSocket,
  controlSocketMode,
  controlSocketDisable,
] as const;
