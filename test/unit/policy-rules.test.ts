// The small pure rules of the restart policy: backoff, jitter, the TRANSITIONS table and the
// diagram in docs/restart.md that is written from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { backoffMs, maxRequestsWithJitter, TRANSITIONS, transitionsDiagram } from '../../src/arbiter/policy/index.js';
import { isLegalMove, assertMove } from '../../src/arbiter/policy/transitions.js';
import { nextRandom } from '../../src/arbiter/policy/jitter.js';

test('backoff doubles from 1 s and is capped at 30 s', () => {
  const cases: [number, number][] = [[0, 0], [1, 1000], [2, 2000], [3, 4000], [5, 16000], [6, 30000], [50, 30000], [5000, 30000]];
  for (const [failures, ms] of cases) assert.equal(backoffMs(failures), ms, `failures=${failures}`);
});

test('max_requests + randint(0, jitter): bounds, inclusive top, 0 stays unlimited', () => {
  const cases: [number, number, number, number][] = [
    [100, 10, 0, 100], [100, 10, 0.999999, 110], [100, 10, 0.5, 105], [100, 0, 0.7, 100], [0, 10, 0.9, 0],
  ];
  for (const [max, jitter, r, want] of cases) assert.equal(maxRequestsWithJitter(max, jitter, r), want, `${max}+j${jitter}@${r}`);
});

test('the jitter PRNG is deterministic and spreads over [0, 1)', () => {
  let seed = 42;
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const r = nextRandom(seed);
    assert.ok(r.value >= 0 && r.value < 1);
    seen.add(Math.floor(r.value * 10));
    seed = r.seed;
  }
  assert.equal(seen.size, 10);
  assert.deepEqual(nextRandom(7), nextRandom(7));
});

const LEGAL: [string, string][] = [
  ['booting', 'warming'], ['booting', 'killing'], ['booting', 'gone'],
  ['warming', 'ready'], ['warming', 'tired'], ['warming', 'draining'], ['warming', 'killing'], ['warming', 'gone'],
  ['ready', 'tired'], ['ready', 'draining'], ['ready', 'killing'], ['ready', 'gone'],
  ['tired', 'draining'], ['tired', 'killing'], ['tired', 'gone'],
  ['draining', 'killing'], ['draining', 'gone'],
  ['killing', 'killing'], ['killing', 'gone'],
];

test('TRANSITIONS allows exactly the documented moves and assertMove throws on the others', () => {
  const states = Object.keys(TRANSITIONS) as (keyof typeof TRANSITIONS)[];
  for (const from of states) {
    for (const to of [...states, 'gone' as const]) {
      const legal = LEGAL.some(([f, t]) => f === from && t === to);
      assert.equal(isLegalMove(from, to), legal, `${from} -> ${to}`);
      if (legal) assertMove(from, to, 1);
      else assert.throws(() => assertMove(from, to, 1), /cannot move from/);
    }
  }
});

test('docs/restart.md carries the diagram generated from TRANSITIONS', () => {
  const doc = readFileSync(new URL('../../../docs/restart.md', import.meta.url), 'utf8');
  assert.ok(doc.includes(transitionsDiagram()), 'regenerate the diagram: node -e "import(\'./dist/src/arbiter/policy/index.js\').then(m=>console.log(m.transitionsDiagram()))"');
});
