// NODE_APP_INSTANCE slots: which of the numbers 0..workers-1 each live worker holds, so an
// app can tell its instances apart as under PM2. A replacement (planned or after a crash)
// takes the slot of the worker it replaces; a new worker takes the lowest free one.

export class InstanceSlots {
  readonly #slotById = new Map<number, number>();

  /** The slot for a new worker: its predecessor's when it has one that holds a slot, else the lowest free. */
  assign(id: number, replacementFor: number | null): number {
    const inherited = replacementFor === null ? undefined : this.#slotById.get(replacementFor);
    const slot = inherited ?? this.#lowestFree();
    this.#slotById.set(id, slot);
    return slot;
  }

  /** The slot worker `id` holds, or null when it holds none (gone, or never started). */
  slotOf(id: number): number | null {
    return this.#slotById.get(id) ?? null;
  }

  /** A worker has exited (or never started): its slot becomes free unless a replacement holds it too. */
  release(id: number): void {
    this.#slotById.delete(id);
  }

  #lowestFree(): number {
    const held = new Set(this.#slotById.values());
    let slot = 0;
    while (held.has(slot)) slot++;
    return slot;
  }
}
