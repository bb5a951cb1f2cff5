import type { SchemaAspectRatio, SchemaJobErrorCode, SchemaResolutionTier } from '../generated/api.js';
import type { components as AdminComponents } from '../generated/admin-api.js';
import { resolveConfig, type SimConfig, type SimulationOptions } from './config.js';

export type JournalEntry = AdminComponents['schemas']['JournalEntry'];
export type Fault = AdminComponents['schemas']['Fault'];

/** What the store keeps of a job; everything a poll answers is derived from it and the clock. */
export interface JobRecord {
  id: string;
  /** Fingerprint of the key that created it: jobs are visible to that key only. */
  key: string;
  model: string;
  duration: number;
  aspectRatio: SchemaAspectRatio;
  resolution: SchemaResolutionTier;
  createdMs: number;
  costCents: number;
  outcome: 'completed' | 'failed';
  failure: SchemaJobErrorCode | null;
  timing: 'realtime' | 'steps';
  /** Realtime schedule, fixed at creation. */
  queuedMs: number;
  processingMs: number;
  /** Steps schedule: polls that see `processing`, polls seen so far, when the status last changed. */
  processingPolls: number;
  polls: number;
  stepUpdatedMs: number;
  refunded: boolean;
  /** Where to deliver the end of the job, and whether that event was handed out. */
  webhook: { url: string; origin: string; done: boolean } | null;
}

export interface Account {
  key: string;
  balanceCents: number;
  spentCents: number;
  refundedCents: number;
  /** Decisions made for this key so far: the coordinate of its next random draw. */
  seq: number;
  /** Failed-or-not-yet-known jobs that may still need a refund. */
  pendingRefunds: string[];
  /** Fixed one-minute rate-limit window. Not persisted. */
  windowStartMs: number;
  windowCount: number;
  faults: Fault[];
}

export interface SimState {
  config: SimConfig;
  clockOffsetMs: number;
  /** The latest time seen: the clock never runs backwards, even when the time source does. */
  lastNowMs: number;
  jobs: Map<string, JobRecord>;
  /** Least recently used first. */
  accounts: Map<string, Account>;
  journal: JournalEntry[];
  journalSeq: number;
  requestSeq: number;
  faultSeq: number;
  /** Jobs whose webhook event is not handed out yet. */
  webhookPending: Set<string>;
  /** What changed since the last `drainChanges`, for adapters that persist. */
  dirty: { jobs: Set<string>; accounts: Set<string>; clock: boolean; resetAll: boolean };
}

export function createState(options: SimulationOptions = {}): SimState {
  return {
    config: resolveConfig(options),
    clockOffsetMs: 0,
    lastNowMs: 0,
    jobs: new Map(),
    accounts: new Map(),
    journal: [],
    journalSeq: 0,
    requestSeq: 0,
    faultSeq: 0,
    webhookPending: new Set(),
    dirty: { jobs: new Set(), accounts: new Set(), clock: false, resetAll: false },
  };
}

/** Forgets every job, wallet, fault and journal entry; the clock keeps running. */
export function resetAll(state: SimState): number {
  const removed = state.jobs.size;
  state.jobs.clear();
  state.accounts.clear();
  state.journal = [];
  state.webhookPending.clear();
  state.dirty.jobs.clear();
  state.dirty.accounts.clear();
  state.dirty.resetAll = true;
  return removed;
}

/** The persisted form of an account (the limiter window and armed faults are not kept). */
export type StoredAccount = Pick<Account, 'key' | 'balanceCents' | 'spentCents' | 'refundedCents' | 'seq' | 'pendingRefunds'>;

export type Change =
  | { t: 'reset' }
  | { t: 'clock'; offsetMs: number }
  | { t: 'job'; job: JobRecord }
  | { t: 'job-'; id: string }
  | { t: 'account'; account: StoredAccount }
  | { t: 'account-'; key: string };

const storedAccount = (a: Account): StoredAccount => ({
  key: a.key,
  balanceCents: a.balanceCents,
  spentCents: a.spentCents,
  refundedCents: a.refundedCents,
  seq: a.seq,
  pendingRefunds: [...a.pendingRefunds],
});

/** Takes what changed since the last call, as records an adapter can append to a log. */
export function drainChanges(state: SimState): Change[] {
  const changes: Change[] = [];
  const { dirty } = state;
  if (dirty.resetAll) changes.push({ t: 'reset' });
  if (dirty.clock) changes.push({ t: 'clock', offsetMs: state.clockOffsetMs });
  for (const id of dirty.jobs) {
    const job = state.jobs.get(id);
    changes.push(job === undefined ? { t: 'job-', id } : { t: 'job', job: { ...job } });
  }
  for (const key of dirty.accounts) {
    const account = state.accounts.get(key);
    changes.push(account === undefined ? { t: 'account-', key } : { t: 'account', account: storedAccount(account) });
  }
  dirty.jobs.clear();
  dirty.accounts.clear();
  dirty.clock = false;
  dirty.resetAll = false;
  return changes;
}

/** Every record of the state, as changes that rebuild it from empty (to compact a log). */
export function snapshotChanges(state: SimState): Change[] {
  return [
    { t: 'reset' },
    { t: 'clock', offsetMs: state.clockOffsetMs },
    ...[...state.jobs.values()].map((job): Change => ({ t: 'job', job: { ...job } })),
    ...[...state.accounts.values()].map((a): Change => ({ t: 'account', account: storedAccount(a) })),
  ];
}

/** Replays persisted changes into a state (restoring after a restart). */
export function applyChange(state: SimState, change: Change): void {
  switch (change.t) {
    case 'reset':
      state.jobs.clear();
      state.accounts.clear();
      state.webhookPending.clear();
      return;
    case 'clock':
      state.clockOffsetMs = Math.max(0, change.offsetMs);
      return;
    case 'job':
      state.jobs.delete(change.job.id);
      state.jobs.set(change.job.id, { ...change.job, webhook: change.job.webhook === null || change.job.webhook === undefined ? null : { ...change.job.webhook } });
      if (change.job.webhook?.done === false) state.webhookPending.add(change.job.id);
      else state.webhookPending.delete(change.job.id);
      return;
    case 'job-':
      state.jobs.delete(change.id);
      return;
    case 'account':
      state.accounts.delete(change.account.key);
      state.accounts.set(change.account.key, {
        ...change.account,
        pendingRefunds: [...change.account.pendingRefunds],
        windowStartMs: 0,
        windowCount: 0,
        faults: [],
      });
      return;
    case 'account-':
      state.accounts.delete(change.key);
      return;
  }
}
