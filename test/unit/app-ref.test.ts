// parseAppRef: every accepted APP_MODULE form, and the malformed ones it must refuse clearly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAppRef } from '../../src/app/app-ref.js';
import { AppRefError } from '../../src/app/errors.js';

describe('parseAppRef', () => {
  const cases: [string, { module: string; name: string[] | null; args: unknown[] | null }][] = [
    ['app.ts', { module: 'app.ts', name: null, args: null }],
    ['./src/app', { module: './src/app', name: null, args: null }],
    ['app.ts:app', { module: 'app.ts', name: ['app'], args: null }],
    ['my-pkg:server', { module: 'my-pkg', name: ['server'], args: null }],
    ['@scope/pkg:handler', { module: '@scope/pkg', name: ['handler'], args: null }],
    ['app.ts:api.inner', { module: 'app.ts', name: ['api', 'inner'], args: null }],
    ['app.ts:create()', { module: 'app.ts', name: ['create'], args: [] }],
    ['app.ts:create( )', { module: 'app.ts', name: ['create'], args: [] }],
    ["app.ts:create('prod', 3, true, null)", { module: 'app.ts', name: ['create'], args: ['prod', 3, true, null] }],
    ['app.ts:create("a,b", -1.5e2, false,)', { module: 'app.ts', name: ['create'], args: ['a,b', -150, false] }],
    ["app.ts:create('it\\'s', 0x10, 1_000)", { module: 'app.ts', name: ['create'], args: ["it's", 16, 1000] }],
    ['app.ts:create(True, None, False)', { module: 'app.ts', name: ['create'], args: [true, null, false] }],
    ["app.ts:create('a:b(c)')", { module: 'app.ts', name: ['create'], args: ['a:b(c)'] }],
    ['  app.ts : app  ', { module: 'app.ts', name: ['app'], args: null }],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${JSON.stringify(text)}`, () => {
      const ref = parseAppRef(text);
      assert.deepEqual({ module: ref.module, name: ref.name, args: ref.args }, expected);
      assert.equal(ref.text, text);
    });
  }

  const bad: [string, RegExp][] = [
    ['', /empty/],
    [':app', /MODULE is missing/],
    ['app.ts:', /NAME is missing/],
    ['app.ts:1abc', /not an identifier/],
    ['app.ts:a..b', /not an identifier/],
    ['app.ts:create(', /must end with "\)"/],
    ['app.ts:create(process.exit(1))', /not a literal/],
    ['app.ts:create(x)', /argument x is not a literal/],
    ['app.ts:create(1 2)', /expected "," or "\)"/],
    ["app.ts:create('open)", /not closed/],
    ['app.ts:create(`tpl`)', /not a literal/],
    ['app.ts:create(1))', /expected "," or "\)"/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseAppRef(text), (err: unknown) => {
        assert.ok(err instanceof AppRefError);
        assert.match(err.message, message);
        assert.match(err.message, /invalid APP_MODULE/);
        return true;
      });
    });
  }
});
