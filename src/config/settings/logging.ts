// Settings of the "Logging" section: the error log, the access log and syslog.
import { defineSetting } from '../setting.js';

const SYSLOG_FACILITIES = [
  'auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user', 'uucp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

export const accesslog = defineSetting<'accesslog', string | null>({
  name: 'accesslog',
  section: 'Logging',
  cli: ['--access-logfile'],
  meta: 'FILE',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  defaultDoc: 'off',
  desc: `The file the access log is written to; \`-\` writes it to standard output.

Each worker writes the requests it served. No access log is written when unset.`,
});

export const accessLogFormat = defineSetting<'access_log_format', string>({
  name: 'access_log_format',
  section: 'Logging',
  cli: ['--access-logformat'],
  meta: 'STRING',
  schema: { type: 'string' },
  default: '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',
  desc: `The format of an access log line, with Gunicorn's \`%(atom)s\` placeholders.

Atoms: \`h\` remote address, \`l\` always \`-\`, \`u\` user name or \`-\`, \`t\` date, \`r\` request line, \`m\` method, \`U\` path, \`q\` query, \`H\` protocol, \`s\` status, \`b\` response length or \`-\`, \`f\` referer, \`a\` user agent, \`T\` duration in seconds, \`M\` in milliseconds, \`D\` in microseconds, \`L\` in decimal seconds, \`p\` process id, \`{Name}i\` a request header, \`{Name}o\` a response header, \`{NAME}e\` an environment variable.`,
});

export const errorlog = defineSetting<'errorlog', string>({
  name: 'errorlog',
  section: 'Logging',
  cli: ['--error-logfile', '--log-file'],
  meta: 'FILE',
  schema: { type: 'string', minLength: 1 },
  default: '-',
  defaultDoc: 'standard error',
  desc: `The file the error log is written to; \`-\` writes it to standard error.

The arbiter and every worker write to it; \`SIGUSR1\` reopens it after rotation.`,
});

export const loglevel = defineSetting<'loglevel', (typeof LOG_LEVELS)[number]>({
  name: 'loglevel',
  section: 'Logging',
  cli: ['--log-level'],
  meta: 'LEVEL',
  schema: { type: 'string', enum: [...LOG_LEVELS] },
  default: 'info',
  desc: `The least severe level written to the error log.

One of \`debug\`, \`info\`, \`warning\`, \`error\`, \`critical\`.`,
});

export const logFormat = defineSetting<'log_format', (typeof LOG_FORMATS)[number]>({
  name: 'log_format',
  section: 'Logging',
  cli: ['--log-format'],
  meta: 'FORMAT',
  schema: { type: 'string', enum: [...LOG_FORMATS] },
  default: 'auto',
  desc: `How error log lines are written: \`json\`, \`pretty\` or \`auto\`.

\`json\` writes one JSON object per line, \`pretty\` one human-readable line per event. \`auto\` chooses \`pretty\` when the log goes to a terminal and \`json\` otherwise.`,
});

export const captureOutput = defineSetting<'capture_output', boolean>({
  name: 'capture_output',
  section: 'Logging',
  cli: ['--capture-output'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Send what workers print to standard output and standard error to the error log.

Useful when \`errorlog\` is a file: \`console.log\` output of the app then lands in it too.`,
});

export const loggerClass = defineSetting<'logger_class', string>({
  name: 'logger_class',
  section: 'Logging',
  cli: ['--logger-class'],
  meta: 'STRING',
  schema: { type: 'string', anyOf: [{ enum: ['default'] }, { pattern: '^.+:[A-Za-z_$][A-Za-z0-9_$]*$' }] },
  default: 'default',
  desc: `The logger used for the error and access logs.

\`default\` is the built-in pino logger. A module path \`./path/to/file.ts:ClassName\` loads a custom class extending the exported base logger.`,
});

export const logconfig = defineSetting<'logconfig', string | null>({
  name: 'logconfig',
  section: 'Logging',
  cli: ['--log-config'],
  meta: 'FILE',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `A JSON or TypeScript file holding pino options for the error log.

Use it to add pino transports or change serializers; see the logging docs for the accepted fields.`,
});

export const syslogAddr = defineSetting<'syslog_addr', string>({
  name: 'syslog_addr',
  section: 'Logging',
  cli: ['--log-syslog-to'],
  meta: 'SYSLOG_ADDR',
  schema: { type: 'string', pattern: '^(udp://.+|tcp://.+|unix://[^#]+(#(stream|dgram))?)$' },
  default: 'udp://localhost:514',
  desc: `Where syslog messages are sent.

One of \`udp://HOST:PORT\`, \`tcp://HOST:PORT\` or \`unix://PATH#TYPE\`, where \`TYPE\` is \`stream\` (the default) or \`dgram\`.`,
});

export const syslog = defineSetting<'syslog', boolean>({
  name: 'syslog',
  section: 'Logging',
  cli: ['--log-syslog'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Also send the logs to syslog, at \`syslog_addr\`.`,
});

export const disableRedirectAccessToSyslog = defineSetting<'disable_redirect_access_to_syslog', boolean>({
  name: 'disable_redirect_access_to_syslog',
  section: 'Logging',
  cli: ['--disable-redirect-access-to-syslog'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Keep access log lines out of syslog.

With \`syslog\` on, each request's access line also goes to syslog, as in Gunicorn; this turns that off while the error log keeps going there. The access log file (\`accesslog\`) is not affected.`,
});

export const syslogPrefix = defineSetting<'syslog_prefix', string | null>({
  name: 'syslog_prefix',
  section: 'Logging',
  cli: ['--log-syslog-prefix'],
  meta: 'SYSLOG_PREFIX',
  schema: { type: ['string', 'null'], minLength: 1 },
  default: null,
  desc: `The program name of syslog entries becomes \`gunicorn-ts.PREFIX\`.

Without it, entries carry the process name.`,
});

export const syslogFacility = defineSetting<'syslog_facility', (typeof SYSLOG_FACILITIES)[number]>({
  name: 'syslog_facility',
  section: 'Logging',
  cli: ['--log-syslog-facility'],
  meta: 'SYSLOG_FACILITY',
  schema: { type: 'string', enum: [...SYSLOG_FACILITIES] },
  default: 'user',
  desc: `The syslog facility of the entries.

One of ${SYSLOG_FACILITIES.map((f) => `\`${f}\``).join(', ')}.`,
});

export const enableStdioInheritance = defineSetting<'enable_stdio_inheritance', boolean>({
  name: 'enable_stdio_inheritance',
  section: 'Logging',
  cli: ['-R', '--enable-stdio-inheritance'],
  schema: { type: 'boolean' },
  default: false,
  desc: `Keep standard input, output and error open in daemon mode.

By default a daemon redirects them to \`/dev/null\`.`,
});

export const loggingSettings = [
  accesslog,
  accessLogFormat,
  errorlog,
  loglevel,
  logFormat,
  captureOutput,
  loggerClass,
  logconfig,
  syslogAddr,
  syslog,
  disableRedirectAccessToSyslog,
  syslogPrefix,
  syslogFacility,
  enableStdioInheritance,
] as const;
