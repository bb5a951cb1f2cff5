import type { components as AdminComponents } from '../generated/admin-api.js';
import { isTerminalStatus } from '../contract/job-status.js';
import { syncedNow, type Core, type FeedNotice } from './core.js';
import { jobSummary, type JobSummary } from './job-summary.js';
import { keySummary, type KeySummary } from './key-summary.js';
import TinyQueue from 'tinyqueue';
import { nextChangeMs, phaseOf, refundDue } from './lifecycle.js';
import { StoreUnavailableError, type JobRecord, type KeyRecord } from './store.js';

type Schemas = AdminComponents['schemas'];

/** One Server-Sent Event: its name, its `id` (a journal sequence number) when it has one, its data. */
export type FeedEvent =
  | { event: 'ready'; id: number; data: Schemas['ReadyEvent'] }
  | { event: 'requests'; id: number; data: Schemas['RequestsEvent'] }
  | { event: 'jobs'; data: Schemas['JobsEvent'] }
  | { event: 'jobs-removed'; data: Schemas['JobsRemovedEvent'] }
  | { event: 'keys'; data: Schemas['KeysEvent'] }
  | { event: 'keys-removed'; data: Schemas['KeysRemovedEvent'] }
  | { event: 'clock'; data: Schemas['Clock'] }
  | { event: 'resync'; data: Schemas['ResyncEvent'] };

/**
 * What changed in the store since the previous call, as events. The adapter calls `next` on a
 * timer and writes what it answers; the feed itself keeps no timer and does no I/O but the store's.
 */
export interface EventFeed {
  next(): Promise<FeedEvent[]>;
  /** Frees its place among the open streams. */
  close(): void;
}

/** Streams open at once per process: each holds a little of every job's state. */
export const MAX_FEEDS = 32;
/** At most this many entries, or jobs, per event; the rest are counted as `skipped`. */
export const MAX_BATCH = 200;
/** Every job and key is read again this often, to see another process's control calls and evictions. */
export const RESCAN_MS = 5000;
/** Sooner after the feed fell behind, but not more often than this. */
const EARLY_RESCAN_MS = 1000;

/** What makes a job worth an event: progress of a realtime job moves with the clock at `progress_rate` instead. */
const jobSignature = (s: JobSummary): string =>
  `${s.status}|${s.timing === 'steps' ? s.progress : ''}|${s.last_poll}|${s.webhook?.delivered ?? ''}|${s.refunded}`;

const keySignature = (balance: number, spent: number, refunded: number, record: KeyRecord): string =>
  `${balance}|${spent}|${refunded}|${record.windowStartMs}|${record.windowCount}|${record.faults.map((f) => `${f.id}:${f.remaining}`).join(',')}`;

const rawKeySignature = (record: KeyRecord, startingCents: number): string =>
  keySignature(record.wallet?.balanceCents ?? startingCents, record.wallet?.spentCents ?? 0, record.wallet?.refundedCents ?? 0, record);

export interface FeedStart {
  /** `Last-Event-ID`: resume after this journal sequence number. */
  lastEventId: number | null;
  /** Where result URLs point. */
  origin: string;
}

/**
 * Opens a feed of the store's changes, or answers null when MAX_FEEDS are open. It knows every job
 * and key as they were when it last said something of them, and tells what differs:
 * - the journal after the last sequence number sent (every process's requests, in a shared store);
 * - jobs that a new entry names, and jobs not ended yet whose status moved with the clock;
 * - keys that a new entry names (wallet, rate window, faults) or that a control call here changed;
 * - everything again every RESCAN_MS: evictions, and what another process's control calls changed.
 */
export async function openEventFeed(core: Core, start: FeedStart): Promise<EventFeed | null> {
  if (core.feeds.size >= MAX_FEEDS) return null;
  const { store, config } = core;
  const nowAtOpen = await syncedNow(core);
  const newest = (await store.journal({ limit: 1 }))[0]?.seq ?? 0;
  const resumable = start.lastEventId !== null && start.lastEventId <= newest;
  let cursor = resumable ? (start.lastEventId as number) : newest;
  let offsetMs = core.offsetMs;
  /** Jobs not ended when last seen, with the status then (their status moves with the clock). */
  const live = new Map<string, { job: JobRecord; status: string }>();
  /** When each realtime job in `live` next changes status: only those due are looked at. */
  const byTime = (a: { atMs: number }, b: { atMs: number }): number => a.atMs - b.atMs;
  let due = new TinyQueue<{ atMs: number; id: string }>([], byTime);
  const sentJobs = new Map<string, string>();
  const sentKeys = new Map<string, string>();
  const noticedKeys = new Set<string>();
  let resync: string | null = start.lastEventId !== null && !resumable ? 'resume-point-unknown' : null;
  let rescanDue = false;
  let lastRescan = core.perfNow();
  let ready: FeedEvent | null = {
    event: 'ready',
    id: cursor,
    data: { journal_seq: cursor, resumed: resumable, now: nowAtOpen, offset_ms: core.offsetMs, timing: config.timing },
  };

  /** Remembers every job and key as they are now, saying nothing of them. */
  const learnEverything = async (nowMs: number): Promise<void> => {
    live.clear();
    due = new TinyQueue<{ atMs: number; id: string }>([], byTime);
    sentJobs.clear();
    sentKeys.clear();
    for (const job of await store.jobs()) remember(jobSummary(job, nowMs, start.origin), job, nowMs);
    for (const record of (await store.keys()).keys) sentKeys.set(record.key, rawKeySignature(record, config.creditsCents));
  };
  const remember = (summary: JobSummary, job: JobRecord, nowMs: number): void => {
    sentJobs.set(job.id, jobSignature(summary));
    track(job, phaseOf(job, nowMs).status, nowMs);
  };
  /** Keeps a job not ended in `live`, and when its status will move in `due`. */
  const track = (job: JobRecord, status: string, nowMs: number): void => {
    const before = live.get(job.id);
    if (isTerminalStatus(status)) {
      live.delete(job.id);
      return;
    }
    live.set(job.id, { job, status });
    if (before?.status === status) return;
    const atMs = nextChangeMs(job, nowMs);
    if (atMs !== null) due.push({ atMs, id: job.id });
  };
  await learnEverything(nowAtOpen);

  const listener = (notice: FeedNotice): void => {
    for (const key of notice.keys ?? []) noticedKeys.add(key);
    if (notice.rescan === true) rescanDue = true;
    if (notice.resync !== undefined) resync = notice.resync;
  };
  core.feeds.add(listener);

  const tick = async (): Promise<FeedEvent[]> => {
    const events: FeedEvent[] = [];
    const nowMs = await syncedNow(core);
    if (core.offsetMs !== offsetMs) {
      offsetMs = core.offsetMs;
      events.push({ event: 'clock', data: { now: nowMs, offset_ms: offsetMs, timing: config.timing } });
    }
    if (resync !== null) {
      events.push({ event: 'resync', data: { reason: resync } });
      resync = null;
      noticedKeys.clear();
      await learnEverything(nowMs);
      lastRescan = core.perfNow();
    }

    const touchedJobs = new Set<string>();
    const touchedKeys = new Set<string>(noticedKeys);
    noticedKeys.clear();
    const entries = await store.journal({ afterSeq: cursor });
    if (entries.length > 0) {
      const first = entries[0] as (typeof entries)[number];
      const shown = entries.slice(-MAX_BATCH);
      const skipped = Math.max(0, first.seq - cursor - 1) + (entries.length - shown.length);
      cursor = (entries[entries.length - 1] as (typeof entries)[number]).seq;
      events.push({ event: 'requests', id: cursor, data: { entries: shown, skipped } });
      if (skipped > 0) rescanDue = true;
      for (const entry of shown) {
        if (entry.job_id !== null) touchedJobs.add(entry.job_id);
        if (entry.key !== null) touchedKeys.add(entry.key);
      }
    }

    // Jobs that changed, by id; a summary is built only for those an event carries (the newest).
    const changed = new Map<string, { job: JobRecord; summary: JobSummary | null }>();
    const removed: string[] = [];
    for (const id of touchedJobs) {
      const job = await store.getJob(id);
      if (job === null) {
        if (sentJobs.delete(id)) {
          live.delete(id);
          removed.push(id);
        }
        continue;
      }
      const summary = jobSummary(job, nowMs, start.origin);
      if (sentJobs.get(id) !== jobSignature(summary)) changed.set(id, { job, summary });
      track(job, phaseOf(job, nowMs).status, nowMs);
    }
    while ((due.peek()?.atMs ?? Number.POSITIVE_INFINITY) <= nowMs) {
      const { id } = due.pop() as { atMs: number; id: string };
      const known = live.get(id);
      if (known === undefined || touchedJobs.has(id)) continue;
      const now = phaseOf(known.job, nowMs).status;
      if (now === known.status) continue;
      changed.set(id, { job: known.job, summary: null });
      track(known.job, now, nowMs);
    }

    const sinceRescan = core.perfNow() - lastRescan;
    if (sinceRescan >= RESCAN_MS || (rescanDue && sinceRescan >= EARLY_RESCAN_MS)) {
      rescanDue = false;
      lastRescan = core.perfNow();
      const held = new Set<string>();
      for (const job of await store.jobs()) {
        held.add(job.id);
        if (sentJobs.has(job.id) || changed.has(job.id)) continue;
        changed.set(job.id, { job, summary: null });
        track(job, phaseOf(job, nowMs).status, nowMs);
      }
      for (const id of sentJobs.keys()) {
        if (held.has(id)) continue;
        sentJobs.delete(id);
        live.delete(id);
        removed.push(id);
      }
      const keysHeld = new Set<string>();
      for (const record of (await store.keys()).keys) {
        keysHeld.add(record.key);
        if (sentKeys.get(record.key) !== rawKeySignature(record, config.creditsCents)) touchedKeys.add(record.key);
      }
      for (const key of sentKeys.keys()) if (!keysHeld.has(key)) touchedKeys.add(key);
    }

    if (changed.size > 0) {
      // Newest first is what a board shows first; the rest are left to its next read of the listing.
      const newest = [...changed.values()].sort((a, b) => b.job.createdMs - a.job.createdMs);
      const shown: JobSummary[] = [];
      for (const [index, { job, summary }] of newest.entries()) {
        // A job that failed or was cancelled is refunded when its key is next read: show the wallet after.
        if (refundDue(job, nowMs)) touchedKeys.add(job.key);
        if (index >= MAX_BATCH) {
          // Not sent: its next change (or a read of the listing) tells it.
          sentJobs.set(job.id, '');
          continue;
        }
        const sent = summary ?? jobSummary(job, nowMs, start.origin);
        sentJobs.set(job.id, jobSignature(sent));
        shown.push(sent);
      }
      events.push({ event: 'jobs', data: { now: nowMs, jobs: shown, skipped: newest.length - shown.length } });
    }
    if (removed.length > 0) events.push({ event: 'jobs-removed', data: { ids: removed } });

    const keys: KeySummary[] = [];
    const keysGone: string[] = [];
    for (const key of touchedKeys) {
      const record = (await store.keys({ key })).keys[0];
      if (record === undefined) {
        if (sentKeys.delete(key)) keysGone.push(key);
        continue;
      }
      const summary = await keySummary(core, record, nowMs);
      const { wallet } = summary;
      const signature = keySignature(wallet.balance_cents, wallet.spent_cents, wallet.refunded_cents, record);
      if (sentKeys.get(key) === signature) continue;
      sentKeys.set(key, signature);
      keys.push(summary);
    }
    if (keys.length > 0) events.push({ event: 'keys', data: { now: nowMs, keys } });
    if (keysGone.length > 0) events.push({ event: 'keys-removed', data: { keys: keysGone } });
    return events;
  };

  let closed = false;
  return {
    async next() {
      if (closed) return [];
      const events: FeedEvent[] = [];
      if (ready !== null) {
        events.push(ready);
        ready = null;
      }
      try {
        events.push(...(await tick()));
      } catch (error) {
        // The store is away: say so once it is back, since what happened meanwhile is unknown.
        if (!(error instanceof StoreUnavailableError)) throw error;
        resync = 'store-unavailable';
      } finally {
        await store.commit();
      }
      return events;
    },
    close() {
      closed = true;
      core.feeds.delete(listener);
    },
  };
}
