import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { createSimulation } from '../../src/sim/simulation.js';
import type { JournalEntry, Store } from '../../src/sim/store.js';
import { create, poll, virtualClock } from '../support/sim-call.js';

/** The memory store, with its journal appends held until `release` (or failed by `fail`). */
function heldJournal(): { store: Store; held: number; release: () => void; fail: (error: Error) => void } {
  const inner = createMemoryStore();
  const waiting: { go: () => void; stop: (error: Error) => void }[] = [];
  const control = {
    held: 0,
    release: () => waiting.splice(0).forEach((w) => w.go()),
    fail: (error: Error) => waiting.splice(0).forEach((w) => w.stop(error)),
  };
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      if (name === 'appendJournal') {
        return (entry: Omit<JournalEntry, 'seq'>, limit: number) =>
          new Promise<JournalEntry>((resolve, reject) => {
            control.held += 1;
            waiting.push({ go: () => void target.appendJournal(entry, limit).then(resolve, reject), stop: reject });
          });
      }
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return Object.assign(control, { store }) as typeof control & { store: Store };
}

describe('the journal entry of an answer', () => {
  it('does not hold the answer back: the answer leaves while its entry is still on its way to the store', async () => {
    const held = heldJournal();
    const sim = createSimulation({ store: held.store, now: virtualClock().now });
    const created = await create(sim);
    const polled = await poll(sim, created.json.id);
    expect([created.status, polled.status]).toEqual([202, 200]);
    expect(held.held).toBe(2);
    expect(polled.response.journal).toMatchObject({ operation: 'getJob', status: 200, job_id: created.json.id });
    expect(await sim.journal()).toEqual([]);
    held.release();
    await new Promise((done) => setImmediate(done));
    expect((await sim.journal()).map((e) => [e.seq, e.operation, e.status])).toEqual([
      [1, 'createVideo', 202],
      [2, 'getJob', 200],
    ]);
  });

  it('that the store fails to write leaves the answer as it was and brings nothing down', async () => {
    const held = heldJournal();
    const sim = createSimulation({ store: held.store, now: virtualClock().now });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const created = await create(sim);
      held.fail(new Error('the journal could not be written'));
      await new Promise((done) => setTimeout(done, 20));
      expect(created.status).toBe(202);
      expect((await poll(sim, created.json.id)).status).toBe(200);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
