// The layering of src/, checked on the import graph (type-only imports aside): no upward
// arrow between the layers of test/helpers/import-graph.ts, ipc/ imports nothing, config/
// never imports the arbiter or debian, no cycle runs through index.ts, a worker process
// can load neither the settings registry nor ajv nor yargs (workers get resolved settings), and
// no process imports node:tls, node:https or node:http2 (http/lazy-builtins.ts loads them on demand).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cycleThrough, importGraph, reachable, unitOf, upwardArrows } from '../helpers/import-graph.js';

const graph = importGraph();

describe('layers', () => {
  it('has no import from a lower layer to a higher one', () => {
    assert.deepEqual(upwardArrows(graph), []);
  });

  it('ipc/ depends on nothing', () => {
    const ipc = [...graph].filter(([m]) => unitOf(m) === 'ipc');
    assert.ok(ipc.length > 0);
    for (const [module, imports] of ipc) assert.deepEqual(imports, [], module);
  });

  it('config/ imports neither the arbiter nor debian', () => {
    for (const [module, imports] of graph) {
      if (unitOf(module) !== 'config') continue;
      assert.deepEqual(imports.filter((i) => i.startsWith('arbiter/') || i.startsWith('debian/')), [], module);
    }
  });

  it('no cycle runs through index.ts', () => {
    assert.equal(cycleThrough(graph, 'index.ts'), null);
  });

  it('a worker can load neither the settings registry nor ajv nor yargs', () => {
    const loadable = reachable(graph, 'worker/main.cts');
    assert.ok(loadable.has('worker/boot.ts') && loadable.has('app/load-app.ts'), 'the graph follows the worker\'s imports');
    for (const forbidden of ['config/registry.ts', 'config/load.ts', 'config/schema.ts', 'ajv', 'ajv-formats', 'yargs']) {
      assert.equal(loadable.has(forbidden), false, `${forbidden} is reachable from worker/main.cts`);
    }
  });

  it('no entry point imports node:tls, node:https or node:http2: they load only when TLS or HTTP/2 is configured', () => {
    for (const entry of ['worker/main.cts', 'bin/gunicorn-ts.cts', 'bin/gunicorn-ts-debian.ts']) {
      const loadable = reachable(graph, entry);
      assert.ok(loadable.has('http/edge.ts'), `the graph follows ${entry}'s imports to the edge`);
      for (const builtin of ['node:tls', 'node:https', 'node:http2']) assert.equal(loadable.has(builtin), false, `${entry} imports ${builtin}`);
    }
  });
});
