import type { SimulationOptions } from './config.js';
import type { SimRequest, SimResponse } from './exchange.js';
import { clockNow, handleRequest } from './handle-request.js';
import { applyChange, createState, drainChanges, resetAll, snapshotChanges, type Change, type SimState } from './state.js';

export interface Simulation {
  readonly state: SimState;
  /** Answers one request at the time source's current time. */
  handle(request: SimRequest): SimResponse;
  /** The mock's clock (unix ms). */
  now(): number;
  /** Moves the clock forward; realtime jobs progress as if that time had passed. */
  advance(ms: number): number;
  /** Forgets every job, wallet, fault and journal entry (the clock keeps running). */
  reset(): void;
  /** What changed since the last call (for persistence). */
  drainChanges(): Change[];
  /** The whole state as changes (to compact a log). */
  snapshot(): Change[];
  /** Replays persisted changes. */
  restore(changes: Iterable<Change>): void;
}

/** Drops the change record nobody will read (see `trackChanges`). */
function forgetChanges(state: SimState): void {
  // Set#clear allocates a fresh table even for an empty set: only clear what holds something.
  if (state.dirty.jobs.size > 0) state.dirty.jobs.clear();
  if (state.dirty.accounts.size > 0) state.dirty.accounts.clear();
}

export interface SimulationSetup extends SimulationOptions {
  /** The time source (unix ms). Default `Date.now`; tests pass a virtual clock. */
  now?: () => number;
}

/**
 * The core with its state and time source bundled, which is what the adapters hold. Everything it
 * does is `handleRequest(state, request, now)`; it adds no behaviour of its own.
 */
export function createSimulation(setup: SimulationSetup = {}): Simulation {
  const { now: source = Date.now, ...options } = setup;
  const state = createState(options);
  return {
    state,
    handle(request) {
      const response = handleRequest(state, request, source());
      if (!state.config.trackChanges) forgetChanges(state);
      return response;
    },
    now: () => clockNow(state, source()),
    advance(ms) {
      if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`advance takes milliseconds >= 0, not ${ms}`);
      state.clockOffsetMs += Math.floor(ms);
      state.dirty.clock = true;
      return clockNow(state, source());
    },
    reset() {
      resetAll(state);
    },
    drainChanges: () => drainChanges(state),
    snapshot: () => snapshotChanges(state),
    restore(changes) {
      for (const change of changes) applyChange(state, change);
      state.dirty.jobs.clear();
      state.dirty.accounts.clear();
    },
  };
}
