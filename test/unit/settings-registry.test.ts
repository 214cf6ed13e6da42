// The settings registry: every Gunicorn 19.2 setting declared once, with unique names and
// flags, defaults that satisfy their own schemas, and hooks and unsupported settings complete.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { SETTINGS, findSetting } from '../../src/config/registry.js';
import { SECTIONS, type SettingDecl } from '../../src/config/setting.js';
import { parseUmask } from '../../src/config/settings/server-mechanics.js';

/** Section 2.4 of the Gunicorn 19.2 documentation, in its order. */
const GUNICORN_19_2 = [
  'config', 'bind', 'backlog', 'workers', 'worker_class', 'threads', 'worker_connections', 'max_requests',
  'max_requests_jitter', 'timeout', 'graceful_timeout', 'keepalive', 'limit_request_line', 'limit_request_fields',
  'limit_request_field_size', 'reload', 'spew', 'check_config', 'preload_app', 'sendfile', 'chdir', 'daemon',
  'raw_env', 'pidfile', 'worker_tmp_dir', 'user', 'group', 'umask', 'tmp_upload_dir', 'secure_scheme_headers',
  'forwarded_allow_ips', 'accesslog', 'access_log_format', 'errorlog', 'loglevel', 'logger_class', 'logconfig',
  'syslog_addr', 'syslog', 'syslog_prefix', 'syslog_facility', 'enable_stdio_inheritance', 'statsd_host',
  'statsd_prefix', 'proc_name', 'default_proc_name', 'django_settings', 'pythonpath', 'paste', 'on_starting',
  'on_reload', 'when_ready', 'pre_fork', 'post_fork', 'post_worker_init', 'worker_int', 'worker_abort', 'pre_exec',
  'pre_request', 'post_request', 'worker_exit', 'nworkers_changed', 'on_exit', 'proxy_protocol', 'proxy_allow_ips',
  'keyfile', 'certfile', 'ssl_version', 'cert_reqs', 'ca_certs', 'suppress_ragged_eofs', 'do_handshake_on_connect',
  'ciphers',
];

const FORK_AND_NEW = [
  'wait_for_new_workers', 'max_restarting_workers', 'warmup_requests', 'enrich_response', 'print_config',
  'reload_extra_files', 'capture_output', 'child_exit', 'app', 'max_worker_memory', 'warmup_timeout', 'metrics_bind',
  'dogstatsd_tags', 'log_format', 'control_socket',
];

const all: readonly SettingDecl[] = SETTINGS;

describe('settings registry', () => {
  it('declares every Gunicorn 19.2 setting and every gunicorn-ts addition', () => {
    const missing = [...GUNICORN_19_2, ...FORK_AND_NEW].filter((name) => findSetting(name) === undefined);
    assert.deepEqual(missing, []);
  });

  it('has unique snake_case names', () => {
    const names = all.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  });

  it('has CLI flags unique across settings and spelled as flags', () => {
    const seen = new Map<string, string>();
    for (const s of all) {
      for (const flag of s.cli ?? []) {
        assert.match(flag, /^(-[a-zA-Z]|--[a-z][a-z0-9_-]*)$/, `${s.name}: ${flag}`);
        assert.equal(seen.get(flag), undefined, `${flag} used by ${seen.get(flag)} and ${s.name}`);
        seen.set(flag, s.name);
      }
    }
  });

  it("spells Gunicorn's flags as Gunicorn does", () => {
    const expect: Record<string, string[]> = {
      workers: ['-w', '--workers'], worker_class: ['-k', '--worker-class'], timeout: ['-t', '--timeout'],
      keepalive: ['--keep-alive'], limit_request_field_size: ['--limit-request-field_size', '--limit-request-field-size'],
      accesslog: ['--access-logfile'], access_log_format: ['--access-logformat'],
      errorlog: ['--error-logfile', '--log-file'], syslog_addr: ['--log-syslog-to'], preload_app: ['--preload'],
      paste: ['--paste', '--paster'], proxy_allow_ips: ['--proxy-allow-from'], django_settings: ['--settings'],
      enable_stdio_inheritance: ['-R', '--enable-stdio-inheritance'], proc_name: ['-n', '--name'],
      pidfile: ['-p', '--pid'], raw_env: ['-e', '--env'], daemon: ['-D', '--daemon'], umask: ['-m', '--umask'],
      reload_extra_files: ['--reload-extra-file'], max_worker_memory: ['--max-worker-memory'],
    };
    for (const [name, flags] of Object.entries(expect)) assert.deepEqual(findSetting(name)?.cli, flags, name);
  });

  it('has defaults that validate against their own schemas', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    for (const s of all) {
      const validate = ajv.compile(s.schema);
      assert.ok(validate(s.default), `${s.name}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('has schemas that reject values outside the documented range', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    const rejects = (name: string, value: unknown): boolean => !ajv.validate(findSetting(name)!.schema, value);
    assert.ok(rejects('limit_request_line', 8191));
    assert.ok(rejects('limit_request_fields', 32769));
    assert.ok(rejects('limit_request_fields', 0));
    assert.ok(rejects('limit_request_field_size', -1));
    assert.ok(rejects('workers', 0));
    assert.ok(rejects('loglevel', 'warn'));
    assert.ok(rejects('syslog_facility', 'local8'));
    assert.ok(rejects('worker_class', 'threads'));
    assert.ok(!rejects('worker_class', './my-worker.ts:MyWorker'));
    assert.ok(rejects('raw_env', ['NOEQUALS']));
    assert.ok(rejects('cert_reqs', 3));
    assert.ok(rejects('umask', 0o1000));
  });

  it('puts every section to use, in the order of SECTIONS', () => {
    const order = all.map((s) => SECTIONS.indexOf(s.section));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    for (const section of SECTIONS) assert.ok(all.some((s) => s.section === section), section);
  });

  it('gives hooks parameters, a null default and no flag', () => {
    const hooks = all.filter((s) => s.hook !== undefined);
    assert.equal(hooks.length, 16);
    for (const h of hooks) {
      assert.equal(h.section, 'Server Hooks');
      assert.equal(h.default, null);
      assert.equal(h.cli, undefined);
      assert.ok(h.hook!.params.length >= 1, h.name);
    }
    assert.deepEqual(findSetting('post_request')?.hook?.params, ['worker', 'req', 'res']);
  });

  it('explains why unsupported settings have no meaning on Node', () => {
    const unsupported = all.filter((s) => s.unsupported !== undefined).map((s) => s.name);
    assert.deepEqual(unsupported.sort(), ['django_settings', 'spew', 'tmp_upload_dir']);
    for (const name of unsupported) assert.ok(findSetting(name)!.unsupported!.length > 20, name);
  });

  it('writes a description whose first sentence ends with a period', () => {
    for (const s of all) assert.match(s.desc, /^[^\n]+?[.)]( |\n|$)/, s.name);
  });

  it('reads umask strings like number literals', () => {
    assert.equal(parseUmask('0o22'), 0o22);
    assert.equal(parseUmask('0022'), 0o22);
    assert.equal(parseUmask('0x12'), 0x12);
    assert.equal(parseUmask('18'), 18);
    assert.equal(parseUmask(7), 7);
    assert.equal(parseUmask('0o9'), '0o9');
  });
});
