import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { interpolate } from '../../src/paste/interpolate.js';
import { PasteError } from '../../src/paste/paste-error.js';

const where = { file: '/srv/app.ini', section: 'app:main', key: 'path' };
const scope = new Map([['here', '/srv'], ['data', '%(here)s/data'], ['loop', '%(loop)s']]);

describe('paste interpolation', () => {
  it('replaces %(name)s, recursively', () => {
    assert.equal(interpolate('%(data)s/x and %(here)s', scope, where), '/srv/data/x and /srv');
  });

  it('turns %% into a literal percent', () => {
    assert.equal(interpolate('100%% of %(here)s', scope, where), '100% of /srv');
  });

  it('names file, section and key for an unknown name', () => {
    assert.throws(() => interpolate('%(nope)s', scope, where), (err: unknown) =>
      err instanceof PasteError && err.file === '/srv/app.ini' && err.section === 'app:main' && err.key === 'path' &&
      err.message.startsWith('/srv/app.ini: [app:main] path:') && /unknown name "nope"/.test(err.message));
  });

  it('reports a self-referencing value as a loop', () => {
    assert.throws(() => interpolate('%(loop)s', scope, where), /interpolation loop \(loop -> loop\)/);
  });

  it('rejects a lone % and %(name) without s', () => {
    assert.throws(() => interpolate('50% off', scope, where), /write %% for a literal/);
    assert.throws(() => interpolate('%(here)', scope, where), /write %% for a literal/);
  });
});
