// The epoch clock of enrich_response's t1: microsecond steps between the wall clock's
// milliseconds, and never outside the millisecond Date.now() names, however the monotonic clock
// drifts from it or the wall clock is set. Simulated clocks for the drift; the system's own
// clocks for the last case.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epochClock } from '../../src/worker/epoch-clock.js';

/** Wall and monotonic clocks under the test's control, in ms. */
function clocks(wall0: number, mono0: number): { wall: () => number; mono: () => number; advance(realMs: number, monoRate?: number): void; setWall(ms: number): void } {
  let real = wall0;
  let mono = mono0;
  return {
    wall: () => Math.floor(real),
    mono: () => mono,
    advance(realMs, monoRate = 1) {
      real += realMs;
      mono += realMs * monoRate;
    },
    setWall(ms) {
      real = ms;
    },
  };
}

describe('epochClock', () => {
  it('counts microseconds between the wall clock\'s milliseconds', () => {
    const c = clocks(1_700_000_000_000, 5);
    const now = epochClock(c.wall, c.mono);
    const first = now();
    c.advance(0.25);
    assert.equal(now() - first, 250);
    c.advance(0.5);
    assert.equal(now() - first, 750);
  });

  it('stays within the wall clock\'s millisecond while the monotonic clock drifts 1% slow or fast', () => {
    for (const rate of [0.99, 1.01]) {
      const c = clocks(1_700_000_000_000, 0);
      const now = epochClock(c.wall, c.mono);
      for (let i = 0; i < 100_000; i++) {
        c.advance(0.37, rate);
        const t = now();
        const wallUs = c.wall() * 1000;
        assert.ok(t >= wallUs && t < wallUs + 1000, `rate ${rate}, step ${i}: ${t} outside [${wallUs}, ${wallUs + 1000})`);
      }
    }
  });

  it('follows the wall clock when it is set back or forward', () => {
    const c = clocks(1_700_000_000_000, 0);
    const now = epochClock(c.wall, c.mono);
    now();
    for (const to of [1_699_999_995_000.4, 1_700_000_100_000.9]) {
      c.setWall(to);
      c.advance(0.1);
      const wallUs = c.wall() * 1000;
      const t = now();
      assert.ok(t >= wallUs && t < wallUs + 1000, `${t} outside [${wallUs}, ${wallUs + 1000})`);
    }
  });

  it('reads within Date.now()\'s millisecond on the system\'s own clocks', async () => {
    const now = epochClock();
    for (let i = 0; i < 200; i++) {
      const before = Date.now() * 1000;
      const t = now();
      const after = Date.now() * 1000;
      assert.ok(t >= before && t < after + 1000, `${t} outside [${before}, ${after + 1000})`);
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
});
