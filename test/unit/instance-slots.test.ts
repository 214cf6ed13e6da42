// NODE_APP_INSTANCE slots: new workers take the lowest free slot, a replacement inherits the
// slot of the worker it replaces, and a slot is free again once its holders have left.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InstanceSlots } from '../../src/arbiter/instance-slots.js';

describe('InstanceSlots', () => {
  it('fills 0..N-1, refills a crashed worker\'s slot, and hands a planned replacement its predecessor\'s slot', () => {
    const slots = new InstanceSlots();
    assert.deepEqual([1, 2, 3].map((id) => slots.assign(id, null)), [0, 1, 2]);
    slots.release(2);
    assert.equal(slots.assign(4, null), 1, 'the lowest free slot: the one the crashed worker held');
    assert.equal(slots.assign(5, 3), 2, 'a replacement inherits while its predecessor still drains');
    slots.release(3);
    assert.equal(slots.assign(6, null), 3, 'slot 2 is still held by the replacement');
  });

  it('a replacement for an unknown worker takes the lowest free slot', () => {
    const slots = new InstanceSlots();
    slots.assign(1, null);
    assert.equal(slots.assign(2, 99), 1);
  });
});
