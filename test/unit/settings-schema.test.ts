// buildJsonSchema(): a draft 2020-12 schema that validates a plain-data (JSON) config object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SETTINGS } from '../../src/config/registry.js';
import { buildJsonSchema } from '../../src/config/schema.js';

function compile(): ReturnType<Ajv2020['compile']> {
  // markdownDescription is VS Code's annotation keyword, unknown to Ajv's strict mode.
  return new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).addKeyword('markdownDescription').compile(buildJsonSchema());
}

describe('JSON schema of a config object', () => {
  it('is a draft 2020-12 object schema closed to unknown names', () => {
    const schema = buildJsonSchema();
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.type, 'object');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties as object), ['$schema', ...SETTINGS.map((s) => s.name)]);
  });

  it('accepts the defaults of every setting', () => {
    const validate = compile();
    const defaults = Object.fromEntries(SETTINGS.map((s) => [s.name, s.default]));
    assert.ok(validate(defaults), JSON.stringify(validate.errors));
  });

  it('accepts a realistic JSON config', () => {
    const validate = compile();
    const ok = validate({ bind: ['0.0.0.0:8080', 'unix:/run/app.sock'], workers: 4, worker_class: 'sync', wait_for_new_workers: true, loglevel: 'debug', user: 'www-data', group: 33, raw_env: ['NODE_ENV=production'] });
    assert.ok(ok, JSON.stringify(validate.errors));
  });

  it('accepts the "$schema" key editors use to find it', () => {
    assert.ok(compile()({ $schema: './node_modules/gunicorn-ts/schemas/gunicorn.schema.json', workers: 2 }));
  });

  it('rejects unknown names, bad values and functions for hooks, all at once', () => {
    const validate = compile();
    assert.equal(validate({ worker: 2, timeout: -1, loglevel: 'verbose', on_starting: 'hook' }), false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath || e.params.additionalProperty);
    for (const expected of ['worker', '/timeout', '/loglevel', '/on_starting']) assert.ok(paths.includes(expected), `${expected} in ${paths}`);
  });

  it('describes each property with the short help and the default', () => {
    const workers = (buildJsonSchema().properties as Record<string, Record<string, unknown>>).workers!;
    assert.equal(workers.description, 'The number of worker processes serving requests, or `auto` for one per CPU.');
    assert.equal(workers.default, 1);
    assert.match(String(workers.markdownDescription), /Default: `1`\. Command line: `-w INT`, `--workers INT`\./);
    for (const decl of SETTINGS) {
      const property = (buildJsonSchema().properties as Record<string, Record<string, unknown>>)[decl.name]!;
      assert.ok('default' in property && typeof property.description === 'string' && typeof property.markdownDescription === 'string', decl.name);
    }
    const hook = (buildJsonSchema().properties as Record<string, Record<string, unknown>>).post_request!;
    assert.equal(hook.type, 'null');
    assert.match(String(hook.description), /TS\/JS config file/);
  });
});
