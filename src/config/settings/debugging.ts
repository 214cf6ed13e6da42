// Settings of the "Debugging" section: development reload and the commands that inspect
// the configuration instead of serving.
import { defineSetting } from '../setting.js';

export const reload = defineSetting<'reload', boolean>({
  name: 'reload',
  section: 'Debugging',
  cli: ['--reload'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Restart the workers when the app's source files change.

Meant for development. The arbiter watches the files the app actually loaded (each worker reports them once booted), the app's entry file and \`reload_extra_files\`; files the server writes itself (logs, pidfile, Unix sockets, the control socket) never count, so a log file beside the app cannot cause a reload loop. A burst of changes (an editor's save) is one reload. It cannot be combined with \`preload_app\`, whose code lives in the arbiter.`,
});

export const reloadExtraFiles = defineSetting<'reload_extra_files', readonly string[]>({
  name: 'reload_extra_files',
  section: 'Debugging',
  cli: ['--reload-extra-file'],
  meta: 'FILE',
  schema: { type: 'array', items: { type: 'string', minLength: 1 } },
  default: [],
  desc: `Extra files whose changes restart the workers, with \`reload\`.

Repeat the flag for several files. Use it for templates, configuration or data files the app reads but does not import. As in Gunicorn 26.1, an entry containing \`*\`, \`?\` or \`[\` is a glob pattern, relative to the directory the server was started from and matched again on every change, so files created later count too: \`**\` crosses folders, and \`*\` does not match dotfiles (list \`.env\` literally).`,
});

export const spew = defineSetting<'spew', boolean>({
  name: 'spew',
  section: 'Debugging',
  cli: ['--spew'],
  schema: { type: 'boolean' },
  default: false,
  unsupported:
    'Gunicorn installs a Python line tracer; Node has no equivalent hook. Use `node --inspect` through NODE_OPTIONS, or run the server as `node --cpu-prof $(which gunicorn-ts) ...` (workers inherit the flags Node was started with; Node 20 refuses `--cpu-prof` in NODE_OPTIONS).',
  desc: `Print every line the server executes (Python only).

Gunicorn installs a Python trace function for this. Node has no line tracer to install, so setting it is an error; use Node's inspector or profiler instead.`,
});

export const checkConfig = defineSetting<'check_config', boolean>({
  name: 'check_config',
  section: 'Debugging',
  cli: ['--check-config'],
  schema: { type: 'boolean' },
  default: false,
  cliOnly: true,
  desc: `Validate the configuration and load the app, then exit.

Nothing is bound and no worker starts. Prints one OK line and exits 0, or every error and exits 1. Useful in CI.`,
});

export const printConfig = defineSetting<'print_config', boolean>({
  name: 'print_config',
  section: 'Debugging',
  cli: ['--print-config'],
  schema: { type: 'boolean' },
  default: false,
  cliOnly: true,
  desc: `Print every effective setting with the source that set it, then exit.

The sources are the defaults, the environment, the \`--paste\` INI file, the config file and the command line.`,
});

export const debuggingSettings = [reload, reloadExtraFiles, spew, checkConfig, printConfig] as const;
