import { afterEach, describe, expect, it } from 'vitest';
import type { Fault, JobRecord, JournalEntry, Store } from '../../src/sim/store.js';

/** Makes a fresh, empty store; `maxAccounts` bounds its wallets and fault lists. */
export type StoreFactory = (options: { maxAccounts: number }) => Promise<Store>;

export const LIMITS = { rpm: 3, windowMs: 60_000, startingCents: 100 };
export const JOB_LIMITS = { startingCents: 100, maxJobs: 3, ttlMs: 10_000, nowMs: 1_000 };

let made = 0;
/** A job record as the core makes one (the id and key vary, the rest is a plausible realtime job). */
export function jobRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  made += 1;
  return {
    id: `job_${String(made).padStart(4, '0')}`,
    key: 'key_a',
    model: 'openai/sora-2-video-to-video-remix',
    duration: 4,
    aspectRatio: '16:9',
    resolution: '720p',
    createdMs: 1_000,
    costCents: 40,
    outcome: 'completed',
    failure: null,
    timing: 'realtime',
    queuedMs: 1000,
    processingMs: 1600,
    processingPolls: 0,
    polls: 0,
    stepUpdatedMs: 1_000,
    cancelledMs: null,
    lastPollMs: null,
    refunded: false,
    webhook: null,
    ...overrides,
  };
}

export const fault = (id: string, operation: Fault['operation'], remaining: number): Fault => ({ id, operation, status: 503, socket: null, retry_after: 1, remaining });

export function journalEntry(key: string | null, path: string): Omit<JournalEntry, 'seq'> {
  return {
    time: 1_000,
    method: 'GET',
    path,
    operation: 'getJob',
    status: 200,
    duration_ms: 0.5,
    key,
    request_id: `req_${path.length}`,
    job_id: null,
    fault: null,
    headers: { 'user-agent': 'test' },
    credentials: ['authorization'],
  };
}

/**
 * What every `Store` must do, whatever keeps the state: the same operations give the same answers.
 * Run against the in-memory store and the Redis store (test/mocks/store-contract.test.ts).
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`the ${name} store`, () => {
    const open: Store[] = [];
    const fresh = async (maxAccounts = 100): Promise<Store> => {
      const store = await factory({ maxAccounts });
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('gives a key a wallet with the starting credit on its first request and numbers its decisions from 0', async () => {
      const store = await fresh();
      const first = await store.admit('key_a', 100_000, LIMITS);
      const second = await store.admit('key_a', 100_001, LIMITS);
      const other = await store.admit('key_b', 100_002, LIMITS);
      expect([first.seq, second.seq, other.seq]).toEqual([0, 1, 0]);
      expect(await store.wallet('key_a', 100)).toEqual({ key: 'key_a', balanceCents: 100, spentCents: 0, refundedCents: 0 });
      expect(first).toMatchObject({ windowStartMs: 100_000, windowCount: 1, limited: false, faultsArmed: false, refundsPending: false });
    });

    it('opens a request in one step: the time from the shared offset (never before the floor), the key admitted at that time, the named job read', async () => {
      const store = await fresh();
      const job = jobRecord({ key: 'key_a' });
      await store.createJob(job, JOB_LIMITS);
      await store.advanceClock(500);
      const opened = await store.openRequest({ sourceMs: 100_000, floorMs: 0, admit: { key: 'key_a', limits: LIMITS }, jobId: job.id });
      expect(opened).toEqual({
        offsetMs: 500,
        nowMs: 100_500,
        admission: { seq: 0, windowStartMs: 100_500, windowCount: 1, limited: false, faultsArmed: false, refundsPending: false },
        job,
      });
      // A floor later than the source plus the offset wins: this process handed out a later time already.
      const later = await store.openRequest({ sourceMs: 100_000, floorMs: 200_000, admit: { key: 'key_a', limits: LIMITS }, jobId: 'job_none' });
      expect(later).toMatchObject({ nowMs: 200_000, admission: { seq: 1, windowStartMs: 200_000, windowCount: 1 }, job: null });
      // No key, no job: only the clock, and no wallet made.
      expect(await store.openRequest({ sourceMs: 7, floorMs: 0, admit: null, jobId: null })).toEqual({ offsetMs: 500, nowMs: 507, admission: null, job: null });
      expect((await store.keys()).total).toBe(1);
    });

    it('counts requests in a fixed window, refuses past the limit without counting them, and opens a new window after it', async () => {
      const store = await fresh();
      const seen = [];
      for (let i = 0; i < 5; i++) seen.push(await store.admit('key_a', 100_000 + i, LIMITS));
      expect(seen.map((a) => [a.windowCount, a.limited])).toEqual([[1, false], [2, false], [3, false], [3, true], [3, true]]);
      const next = await store.admit('key_a', 160_000, LIMITS);
      expect(next).toMatchObject({ windowStartMs: 160_000, windowCount: 1, limited: false, seq: 5 });
    });

    it('counts a request whose clock reads a little before the window started in that window, and starts a new one a whole window back', async () => {
      const store = await fresh();
      await store.admit('key_a', 100_000, LIMITS);
      expect(await store.admit('key_a', 99_990, LIMITS)).toMatchObject({ windowStartMs: 100_000, windowCount: 2, limited: false });
      expect(await store.admit('key_a', 40_000, LIMITS)).toMatchObject({ windowStartMs: 40_000, windowCount: 1, limited: false });
    });

    it('debits a job and keeps it together, and refuses a job the wallet cannot pay without changing anything', async () => {
      const store = await fresh();
      const paid = await store.createJob(jobRecord({ costCents: 70 }), JOB_LIMITS);
      expect(paid).toEqual({ ok: true, wallet: { key: 'key_a', balanceCents: 30, spentCents: 70, refundedCents: 0 }, evicted: [] });
      const refused = jobRecord({ costCents: 40 });
      expect(await store.createJob(refused, JOB_LIMITS)).toEqual({ ok: false, reason: 'funds', wallet: { key: 'key_a', balanceCents: 30, spentCents: 70, refundedCents: 0 } });
      expect(await store.getJob(refused.id)).toBeNull();
      expect((await store.counts()).jobs).toBe(1);
    });

    it('refuses an id it holds already, whoever made it, without debiting, evicting or making a wallet', async () => {
      const store = await fresh();
      const held = jobRecord({ costCents: 10 });
      await store.createJob(held, { ...JOB_LIMITS, maxJobs: 1 });
      expect(await store.createJob({ ...held, key: 'key_b', costCents: 20 }, { ...JOB_LIMITS, maxJobs: 1 })).toEqual({ ok: false, reason: 'taken' });
      expect(await store.getJob(held.id)).toEqual(held);
      expect(await store.keys()).toMatchObject({ total: 1, keys: [{ key: 'key_a', wallet: { balanceCents: 90, spentCents: 10 } }] });
    });

    it('gives an evicted job its cost back with the create that evicts it when it had not completed by then, and not when it had or was refunded', async () => {
      const store = await fresh();
      const limits = { startingCents: 1_000, maxJobs: 1, ttlMs: 1_000_000, nowMs: 1_000 };
      const failing = { outcome: 'failed', failure: 'upstream_error' } as const;
      const stepped = { timing: 'steps', processingPolls: 1 } as const;
      const poll = (at: number) => (id: string) => store.recordPoll(id, at, true);
      // Realtime: created at 1 000, queued until 2 000, processing until 3 600.
      const cases: [string, Partial<JobRecord>, ((id: string) => Promise<unknown>)[], number, boolean][] = [
        ['running', {}, [], 3_599, true],
        ['completed', {}, [], 3_600, false],
        ['failing', failing, [], 50_000, true],
        ['failed and refunded', failing, [(id) => store.refundJob(id, 1_000)], 50_000, false],
        ['cancelled', {}, [(id) => store.cancelJob(id, 1_500)], 50_000, true],
        ['refunded while running', {}, [(id) => store.refundJob(id, 1_000)], 2_000, false],
        ['stepped short of its end', stepped, [poll(1_100)], 50_000, true],
        ['stepped to its end', stepped, [poll(1_100), poll(1_200)], 50_000, false],
        ['stepped, failing', { ...stepped, ...failing }, [poll(1_100), poll(1_200)], 50_000, true],
      ];
      const judged = [];
      for (const [name, overrides, before, evictedAt] of cases) {
        const job = jobRecord({ key: 'key_b', costCents: 10, ...overrides });
        await store.createJob(job, limits);
        for (const step of before) await step(job.id);
        const refunded = (await store.wallet('key_b', 1_000)).refundedCents;
        const made = await store.createJob(jobRecord({ key: 'key_a', costCents: 0, createdMs: evictedAt }), { ...limits, nowMs: evictedAt });
        expect(made.ok && made.evicted).toEqual([job.id]);
        judged.push([name, (await store.wallet('key_b', 1_000)).refundedCents - refunded === 10]);
      }
      expect(judged).toEqual(cases.map(([name, , , , refund]) => [name, refund]));
    });

    it('keeps a job record whole, nested webhook and nulls included', async () => {
      const store = await fresh();
      const job = jobRecord({ webhook: { url: 'http://127.0.0.1:9/hook', origin: 'http://127.0.0.1:4010', done: false }, outcome: 'failed', failure: 'content_policy_violation', processingMs: 1234.5 });
      await store.createJob(job, JOB_LIMITS);
      expect(await store.getJob(job.id)).toEqual(job);
      expect(await store.getJob('job_unknown')).toBeNull();
    });

    it('evicts expired jobs and the oldest beyond maxJobs, and answers them', async () => {
      const store = await fresh();
      const a = jobRecord({ costCents: 1, createdMs: 0 });
      const b = jobRecord({ costCents: 1, createdMs: 5_000 });
      const c = jobRecord({ costCents: 1, createdMs: 6_000 });
      for (const job of [a, b, c]) await store.createJob(job, { ...JOB_LIMITS, nowMs: job.createdMs });
      // At 10,000 ms job a (created at 0, ttl 10,000) has expired; b and c have not, and 3 fit.
      const d = jobRecord({ costCents: 1, createdMs: 10_000 });
      const made = await store.createJob(d, { ...JOB_LIMITS, nowMs: 10_000 });
      expect(made.ok && made.evicted).toEqual([a.id]);
      const e = jobRecord({ costCents: 1, createdMs: 10_001 });
      const full = await store.createJob(e, { ...JOB_LIMITS, nowMs: 10_001 });
      expect(full.ok && full.evicted).toEqual([b.id]);
      expect((await store.jobs()).map((j) => j.id)).toEqual([c.id, d.id, e.id]);
    });

    it('counts a poll: the time of the last poll, and one more poll when stepping; answers the poll before', async () => {
      const store = await fresh();
      const job = jobRecord({ timing: 'steps' });
      await store.createJob(job, JOB_LIMITS);
      const first = await store.recordPoll(job.id, 2_000, true);
      expect(first?.previousPollMs).toBeNull();
      expect(first?.job).toMatchObject({ polls: 1, lastPollMs: 2_000 });
      const second = await store.recordPoll(job.id, 2_500, false);
      expect(second?.previousPollMs).toBe(2_000);
      expect(second?.job).toMatchObject({ polls: 1, lastPollMs: 2_500 });
      expect(await store.recordPoll('job_unknown', 1, true)).toBeNull();
    });

    it('throttles a poll sooner than the interval after the last answered one: it changes nothing', async () => {
      const store = await fresh();
      const job = jobRecord({ timing: 'steps', processingPolls: 2 });
      await store.createJob(job, JOB_LIMITS);
      expect(await store.recordPoll(job.id, 2_000, true, 3_000)).toMatchObject({ previousPollMs: null, throttled: false, job: { polls: 1, lastPollMs: 2_000 } });
      expect(await store.recordPoll(job.id, 4_999, true, 3_000)).toMatchObject({ previousPollMs: 2_000, throttled: true, job: { polls: 1, lastPollMs: 2_000 } });
      expect(await store.recordPoll(job.id, 5_000, true, 3_000)).toMatchObject({ previousPollMs: 2_000, throttled: false, job: { polls: 2, lastPollMs: 5_000 } });
      expect(await store.getJob(job.id)).toMatchObject({ polls: 2, lastPollMs: 5_000 });
    });

    it('cancels a running job once, leaves an ended one as it ended, and marks the cancelled job for its refund', async () => {
      const store = await fresh();
      const running = jobRecord({ costCents: 30 });
      const ended = jobRecord({ costCents: 20 });
      await store.createJob(running, JOB_LIMITS);
      await store.createJob(ended, JOB_LIMITS);
      // Realtime: queued until 2 000, processing until 3 600.
      const first = await store.cancelJob(running.id, 1_500);
      expect(first).toEqual({ cancelled: true, job: { ...running, cancelledMs: 1_500 } });
      expect(await store.cancelJob(running.id, 1_600)).toEqual({ cancelled: false, job: { ...running, cancelledMs: 1_500 } });
      expect(await store.cancelJob(ended.id, 4_000)).toEqual({ cancelled: false, job: ended });
      expect(await store.cancelJob('job_unknown', 1_000)).toBeNull();
      expect((await store.admit('key_a', 1_700, LIMITS)).refundsPending).toBe(true);
      expect((await store.jobs({ pendingRefund: true })).map((j) => j.id)).toEqual([running.id]);
      expect(await store.refundJob(running.id, 100)).toEqual({ key: 'key_a', balanceCents: 80, spentCents: 50, refundedCents: 30 });
      expect(await store.jobs({ key: 'key_a', pendingRefund: true })).toEqual([]);
    });

    it('cancels a stepped job only while its polls leave it running, also when a poll comes between', async () => {
      const store = await fresh();
      const job = jobRecord({ timing: 'steps', processingPolls: 1 });
      await store.createJob(job, JOB_LIMITS);
      await store.recordPoll(job.id, 2_000, true);
      await store.recordPoll(job.id, 2_100, true);
      // Two polls: processing, then completed.
      expect(await store.cancelJob(job.id, 2_200)).toMatchObject({ cancelled: false, job: { polls: 2, cancelledMs: null } });
      const other = jobRecord({ timing: 'steps', processingPolls: 1 });
      await store.createJob(other, JOB_LIMITS);
      const [cancel] = await Promise.all([store.cancelJob(other.id, 2_300), store.recordPoll(other.id, 2_300, true)]);
      // Whichever came first, the job is cancelled with its one poll or was cancelled before it.
      expect(cancel?.cancelled).toBe(true);
      expect((await store.getJob(other.id))?.cancelledMs).toBe(2_300);
    });

    it('keeps the first fingerprint secret proposed, through a reset', async () => {
      const store = await fresh();
      expect(await store.fingerprintSecret('first')).toBe('first');
      expect(await store.fingerprintSecret('second')).toBe('first');
      await store.reset(null);
      expect(await store.fingerprintSecret('third')).toBe('first');
    });

    it('patches a job and answers it after, and answers null for a job that is not there', async () => {
      const store = await fresh();
      const job = jobRecord();
      await store.createJob(job, JOB_LIMITS);
      expect(await store.patchJob(job.id, { stepUpdatedMs: 9_999 })).toEqual({ ...job, stepUpdatedMs: 9_999 });
      expect(await store.getJob(job.id)).toEqual({ ...job, stepUpdatedMs: 9_999 });
      expect(await store.patchJob('job_unknown', { stepUpdatedMs: 1 })).toBeNull();
    });

    it('refunds a failing job once, and hints that refunds are pending until then', async () => {
      const store = await fresh();
      const job = jobRecord({ outcome: 'failed', failure: 'upstream_error', costCents: 30 });
      await store.createJob(job, JOB_LIMITS);
      expect((await store.admit('key_a', 1_000, LIMITS)).refundsPending).toBe(true);
      expect((await store.jobs({ key: 'key_a', pendingRefund: true })).map((j) => j.id)).toEqual([job.id]);
      expect(await store.refundJob(job.id, 100)).toEqual({ key: 'key_a', balanceCents: 100, spentCents: 30, refundedCents: 30 });
      expect(await store.refundJob(job.id, 100)).toBeNull();
      expect(await store.refundJob('job_unknown', 100)).toBeNull();
      expect((await store.admit('key_a', 1_001, LIMITS)).refundsPending).toBe(false);
      expect(await store.jobs({ key: 'key_a', pendingRefund: true })).toEqual([]);
      expect((await store.getJob(job.id))?.refunded).toBe(true);
    });

    it('hands a webhook event out once, and never one of a job without a webhook', async () => {
      const store = await fresh();
      const hooked = jobRecord({ webhook: { url: 'http://127.0.0.1:9/h', origin: 'http://o', done: false } });
      const plain = jobRecord();
      await store.createJob(hooked, JOB_LIMITS);
      await store.createJob(plain, JOB_LIMITS);
      expect((await store.jobs({ pendingWebhook: true })).map((j) => j.id)).toEqual([hooked.id]);
      expect(await Promise.all([store.claimWebhook(hooked.id), store.claimWebhook(hooked.id)])).toEqual([true, false]);
      expect(await store.claimWebhook(plain.id)).toBe(false);
      expect(await store.jobs({ pendingWebhook: true })).toEqual([]);
      expect((await store.getJob(hooked.id))?.webhook?.done).toBe(true);
    });

    it('arms at most maxPerKey faults, fires each exactly its count, first armed first, and "*" for any operation', async () => {
      const store = await fresh();
      expect(await store.armFault('key_a', fault('f1', 'getJob', 2), 2)).toEqual(fault('f1', 'getJob', 2));
      expect(await store.armFault('key_a', fault('f2', '*', 1), 2)).toEqual(fault('f2', '*', 1));
      expect(await store.armFault('key_a', fault('f3', 'getJob', 1), 2)).toBeNull();
      expect((await store.admit('key_a', 1_000, LIMITS)).faultsArmed).toBe(true);
      expect(await store.takeFault('key_a', 'createVideo')).toEqual(fault('f2', '*', 1));
      expect(await store.takeFault('key_a', 'getJob')).toEqual(fault('f1', 'getJob', 2));
      expect(await store.faults('key_a')).toEqual([fault('f1', 'getJob', 1)]);
      expect(await store.takeFault('key_a', 'getJob')).toEqual(fault('f1', 'getJob', 1));
      expect(await store.takeFault('key_a', 'getJob')).toBeNull();
      expect((await store.admit('key_a', 1_001, LIMITS)).faultsArmed).toBe(false);
      await store.armFault('key_b', fault('f4', 'getJob', 1), 2);
      await store.clearFaults('key_b');
      expect(await store.faults('key_b')).toEqual([]);
    });

    it('numbers journal entries, keeps the newest, and reads them by key, after a number, and newest n', async () => {
      const store = await fresh();
      const appended = [];
      for (const [key, path] of [['key_a', '/1'], ['key_b', '/2'], ['key_a', '/3'], [null, '/4']] as const) appended.push(await store.appendJournal(journalEntry(key, path), 3));
      expect(appended.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(appended[0]).toEqual({ seq: 1, ...journalEntry('key_a', '/1') });
      expect((await store.journal()).map((e) => e.path)).toEqual(['/2', '/3', '/4']);
      expect((await store.journal({ key: 'key_a' })).map((e) => e.path)).toEqual(['/3']);
      expect((await store.journal({ afterSeq: 2 })).map((e) => e.path)).toEqual(['/3', '/4']);
      expect((await store.journal({ limit: 1 })).map((e) => e.seq)).toEqual([4]);
      await store.clearJournal('key_b');
      expect((await store.journal()).map((e) => e.path)).toEqual(['/3', '/4']);
      await store.clearJournal(null);
      expect(await store.journal()).toEqual([]);
      expect((await store.appendJournal(journalEntry(null, '/5'), 3)).seq).toBe(5);
    });

    it('numbers an entry appended with no room (limit 0) without keeping it, trims to a smaller limit, and reads the newest n after a number', async () => {
      const store = await fresh();
      for (const path of ['/1', '/2', '/3', '/4']) await store.appendJournal(journalEntry('key_a', path), 10);
      expect((await store.appendJournal(journalEntry('key_a', '/5'), 0)).seq).toBe(5);
      expect((await store.journal()).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      await store.appendJournal(journalEntry('key_b', '/6'), 2);
      expect((await store.journal()).map((e) => e.seq)).toEqual([4, 6]);
      expect((await store.journal({ afterSeq: 4, limit: 5 })).map((e) => e.seq)).toEqual([6]);
      expect((await store.journal({ afterSeq: 6, limit: 1 })).map((e) => e.seq)).toEqual([]);
      expect((await store.journal({ afterSeq: 3.5 })).map((e) => e.seq)).toEqual([4, 6]);
      expect((await store.journal({ afterSeq: Number.MAX_SAFE_INTEGER * 4 })).map((e) => e.seq)).toEqual([]);
      expect((await store.journal({ key: 'key_a', limit: 1 })).map((e) => e.seq)).toEqual([4]);
    });

    it("forgets one key's jobs, wallet, faults and journal, and leaves the others", async () => {
      const store = await fresh();
      await store.createJob(jobRecord({ key: 'key_a' }), JOB_LIMITS);
      const kept = jobRecord({ key: 'key_b' });
      await store.createJob(kept, JOB_LIMITS);
      await store.armFault('key_a', fault('f1', '*', 1), 5);
      await store.appendJournal(journalEntry('key_a', '/a'), 10);
      await store.appendJournal(journalEntry('key_b', '/b'), 10);
      expect(await store.reset('key_a')).toBe(1);
      expect((await store.jobs()).map((j) => j.id)).toEqual([kept.id]);
      expect(await store.wallet('key_a', 100)).toEqual({ key: 'key_a', balanceCents: 100, spentCents: 0, refundedCents: 0 });
      expect(await store.faults('key_a')).toEqual([]);
      expect((await store.journal()).map((e) => e.path)).toEqual(['/b']);
      expect((await store.wallet('key_b', 100)).balanceCents).toBe(60);
    });

    it('forgets everything on a full reset but keeps the clock and never hands out a number twice', async () => {
      const store = await fresh();
      await store.advanceClock(500);
      const before = [await store.nextSequence('request'), await store.nextSequence('fault')];
      await store.createJob(jobRecord(), JOB_LIMITS);
      await store.armFault('key_a', fault('f1', '*', 1), 5);
      await store.appendJournal(journalEntry('key_a', '/a'), 10);
      expect(await store.reset(null)).toBe(1);
      expect(await store.counts()).toEqual({ jobs: 0, keys: 0 });
      expect(await store.faults('key_a')).toEqual([]);
      expect(await store.journal()).toEqual([]);
      expect(await store.clockOffset()).toBe(500);
      const after = [await store.nextSequence('request'), await store.nextSequence('fault')];
      expect(after[0]).not.toBe(before[0]);
      expect(after[1]).not.toBe(before[1]);
    });

    it('hands out sequence numbers never given before, also to concurrent callers', async () => {
      const store = await fresh();
      const numbers = await Promise.all(Array.from({ length: 600 }, () => store.nextSequence('request')));
      expect(new Set(numbers).size).toBe(600);
      const faults = await Promise.all(Array.from({ length: 20 }, () => store.nextSequence('fault')));
      expect(new Set(faults).size).toBe(20);
    });

    it('moves the clock offset forward and answers it', async () => {
      const store = await fresh();
      expect(await store.clockOffset()).toBe(0);
      expect(await store.advanceClock(1_500)).toBe(1_500);
      expect(await store.advanceClock(0)).toBe(1_500);
      expect(await store.clockOffset()).toBe(1_500);
    });

    it("lists a key's jobs in creation order, the newest n when asked", async () => {
      const store = await fresh();
      const jobs = [jobRecord({ key: 'key_a', costCents: 1 }), jobRecord({ key: 'key_b', costCents: 1 }), jobRecord({ key: 'key_a', costCents: 1 })];
      for (const job of jobs) await store.createJob(job, { ...JOB_LIMITS, maxJobs: 10 });
      expect((await store.jobs({ key: 'key_a' })).map((j) => j.id)).toEqual([jobs[0]?.id, jobs[2]?.id]);
      expect((await store.jobs({ limit: 2 })).map((j) => j.id)).toEqual([jobs[1]?.id, jobs[2]?.id]);
      expect((await store.jobs({ key: 'key_a', limit: 1 })).map((j) => j.id)).toEqual([jobs[2]?.id]);
    });

    it('keeps the wallets of at most maxAccounts keys, forgetting the least recently used', async () => {
      const store = await fresh(2);
      await store.setBalance('key_a', 5, 100);
      await store.setBalance('key_b', 6, 100);
      await store.wallet('key_a', 100);
      await store.setBalance('key_c', 7, 100);
      expect(await store.counts()).toEqual({ jobs: 0, keys: 2 });
      expect((await store.wallet('key_a', 100)).balanceCents).toBe(5);
      // key_b was the least recently used: it starts again from the starting credit.
      expect((await store.wallet('key_b', 100)).balanceCents).toBe(100);
    });

    it('lists the keys it holds, most recently used first, then those known only by their faults, without touching them', async () => {
      const store = await fresh();
      await store.admit('key_a', 100_000, LIMITS);
      await store.setBalance('key_b', 7, 100);
      await store.armFault('key_c', fault('f1', 'getJob', 2), 5);
      await store.armFault('key_a', fault('f2', '*', 1), 5);
      const all = await store.keys();
      expect(all.total).toBe(3);
      expect(all.keys.map((k) => k.key)).toEqual(['key_b', 'key_a', 'key_c']);
      expect(all.keys[1]).toEqual({
        key: 'key_a',
        wallet: { key: 'key_a', balanceCents: 100, spentCents: 0, refundedCents: 0 },
        windowStartMs: 100_000,
        windowCount: 1,
        faults: [fault('f2', '*', 1)],
      });
      expect(all.keys[2]).toEqual({ key: 'key_c', wallet: null, windowStartMs: 0, windowCount: 0, faults: [fault('f1', 'getJob', 2)] });
      // A read: listing again gives the same order, and creates no wallet for key_c.
      expect((await store.keys()).keys.map((k) => k.key)).toEqual(['key_b', 'key_a', 'key_c']);
      expect(await store.keys({ offset: 1, limit: 1 })).toMatchObject({ total: 3, keys: [{ key: 'key_a' }] });
      expect(await store.keys({ key: 'key_c' })).toMatchObject({ total: 1, keys: [{ key: 'key_c', wallet: null }] });
      expect(await store.keys({ key: 'key_none' })).toEqual({ total: 0, keys: [] });
      expect((await store.counts()).keys).toBe(2);
    });

    it("leaves a key's place in the order of use to its request when it creates a job, and puts a key first when a create makes its wallet", async () => {
      const store = await fresh();
      await store.admit('key_a', 100_000, LIMITS);
      await store.admit('key_b', 100_001, LIMITS);
      await store.createJob(jobRecord({ key: 'key_a', costCents: 1 }), JOB_LIMITS);
      expect((await store.keys()).keys.map((k) => k.key)).toEqual(['key_b', 'key_a']);
      await store.createJob(jobRecord({ key: 'key_c', costCents: 1 }), JOB_LIMITS);
      expect((await store.keys()).keys.map((k) => k.key)).toEqual(['key_c', 'key_b', 'key_a']);
    });

    it('credits a wallet as a refund', async () => {
      const store = await fresh();
      expect(await store.credit('key_a', 25, 100)).toEqual({ key: 'key_a', balanceCents: 125, spentCents: 0, refundedCents: 25 });
    });
  });
}
