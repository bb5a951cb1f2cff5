import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createRedisStore } from '../../mocks/redis-store.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import type { Fault, JobRecord, Store } from '../../src/sim/store.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { describeStoreContract, fault, jobRecord, journalEntry } from '../support/store-contract.js';

let redis: TestRedis;
let prefixes = 0;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

const redisStore = ({ maxAccounts }: { maxAccounts: number }): Promise<Store> => createRedisStore(redis.url, { prefix: `contract${prefixes++}:`, maxAccounts, log: null });

describeStoreContract('in-memory', async ({ maxAccounts }) => createMemoryStore({ maxAccounts }));
describeStoreContract('Redis', redisStore);

// The same random sequence of operations through both stores gives the same answers.
const KEYS = ['key_a', 'key_b', 'key_c', 'key_d'];
const keyArb = fc.constantFrom(...KEYS);
const jobSlot = fc.nat(7);
type Op =
  | { op: 'admit'; key: string; dt: number }
  | { op: 'open'; key: string | null; slot: number | null; dt: number; floor: boolean }
  | { op: 'wallet' | 'resetKey' | 'faults' | 'clearFaults' | 'clearJournal'; key: string }
  | { op: 'setBalance' | 'credit'; key: string; cents: number }
  | { op: 'create'; slot: number; key: string; cost: number; failed: boolean; hook: boolean; steps: boolean; dt: number }
  | { op: 'get' | 'refund' | 'claim'; slot: number }
  | { op: 'poll'; slot: number; step: boolean; dt: number; interval: number | null }
  | { op: 'cancel'; slot: number; dt: number }
  | { op: 'secret'; proposed: string }
  | { op: 'patch'; slot: number; at: number }
  | { op: 'jobs'; key: string | null; pendingRefund: boolean; pendingWebhook: boolean; limit: number | null }
  | { op: 'arm'; key: string; operation: Fault['operation']; count: number }
  | { op: 'take'; key: string; operation: string }
  | { op: 'journal'; key: string | null; path: string }
  | { op: 'read'; key: string | null; afterSeq: number; limit: number | null }
  | { op: 'keys'; key: string | null; offset: number; limit: number | null }
  | { op: 'advance'; ms: number }
  | { op: 'resetAll' | 'counts' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('admit' as const), key: keyArb, dt: fc.integer({ min: 0, max: 40_000 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('open' as const), key: fc.option(keyArb, { nil: null }), slot: fc.option(jobSlot, { nil: null }), dt: fc.integer({ min: 0, max: 40_000 }), floor: fc.boolean() }) },
  fc.record({ op: fc.constantFrom('wallet' as const, 'resetKey' as const, 'faults' as const, 'clearFaults' as const, 'clearJournal' as const), key: keyArb }),
  fc.record({ op: fc.constantFrom('setBalance' as const, 'credit' as const), key: keyArb, cents: fc.integer({ min: 0, max: 150 }) }),
  { weight: 5, arbitrary: fc.record({ op: fc.constant('create' as const), slot: jobSlot, key: keyArb, cost: fc.integer({ min: 0, max: 60 }), failed: fc.boolean(), hook: fc.boolean(), steps: fc.boolean(), dt: fc.integer({ min: 0, max: 8_000 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'refund' as const, 'claim' as const), slot: jobSlot }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('poll' as const), slot: jobSlot, step: fc.boolean(), dt: fc.integer({ min: 0, max: 3_000 }), interval: fc.option(fc.constantFrom(1_000, 3_000), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), slot: jobSlot, dt: fc.integer({ min: 0, max: 3_000 }) }) },
  fc.record({ op: fc.constant('secret' as const), proposed: fc.constantFrom('s1', 's2') }),
  fc.record({ op: fc.constant('patch' as const), slot: jobSlot, at: fc.nat(100_000) }),
  { weight: 2, arbitrary: fc.record({ op: fc.constant('jobs' as const), key: fc.option(keyArb, { nil: null }), pendingRefund: fc.boolean(), pendingWebhook: fc.boolean(), limit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('arm' as const), key: keyArb, operation: fc.constantFrom<Fault['operation']>('getJob', 'createVideo', '*'), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('take' as const), key: keyArb, operation: fc.constantFrom('getJob', 'createVideo') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('journal' as const), key: fc.option(keyArb, { nil: null }), path: fc.string({ maxLength: 12 }) }) },
  fc.record({ op: fc.constant('read' as const), key: fc.option(keyArb, { nil: null }), afterSeq: fc.nat(12), limit: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }) }),
  fc.record({ op: fc.constant('keys' as const), key: fc.option(fc.constantFrom(...KEYS, 'key_none'), { nil: null }), offset: fc.nat(3), limit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.nat(20_000) }),
  fc.record({ op: fc.constantFrom('resetAll' as const, 'counts' as const) }),
);

const LIMITS = { rpm: 4, windowMs: 60_000, startingCents: 100 };

/**
 * Plays the operations on one store; the clock and job ids are the test's, the same for both stores.
 * `together`: the operations that are one script each are issued without waiting for the ones before
 * (the Redis store then sends them in batches); any other operation waits for all before it.
 */
async function play(store: Store, ops: readonly Op[], together = false): Promise<unknown[]> {
  let now = 1_000_000;
  let faults = 0;
  const answers: unknown[] = [];
  const step = async (call: () => Promise<unknown>, oneScript = false): Promise<void> => {
    if (together && oneScript) {
      answers.push(call());
      return;
    }
    await Promise.all(answers);
    answers.push(await call());
  };
  // The core never reuses an id (it salts a colliding one): every create has a new id, slots name the ones made.
  const made: string[] = [];
  const idOf = (slot: number): string => made[slot % Math.max(made.length, 1)] ?? 'job_none';
  for (const o of ops) {
    switch (o.op) {
      case 'admit':
        now += o.dt;
        await step(() => store.admit(o.key, now, LIMITS), true);
        break;
      case 'open': {
        now += o.dt;
        const opening = { sourceMs: now, floorMs: o.floor ? now + 1_000 : 0, admit: o.key === null ? null : { key: o.key, limits: LIMITS }, jobId: o.slot === null ? null : idOf(o.slot) };
        await step(() => store.openRequest(opening), true);
        break;
      }
      case 'wallet':
        await step(() => store.wallet(o.key, 100), true);
        break;
      case 'resetKey':
        await step(() => store.reset(o.key));
        break;
      case 'faults':
        await step(() => store.faults(o.key));
        break;
      case 'clearFaults':
        await step(() => store.clearFaults(o.key));
        break;
      case 'clearJournal':
        await step(() => store.clearJournal(o.key));
        break;
      case 'setBalance':
        await step(() => store.setBalance(o.key, o.cents, 100), true);
        break;
      case 'credit':
        await step(() => store.credit(o.key, o.cents, 100), true);
        break;
      case 'create': {
        now += o.dt;
        made.push(`job_c${made.length}`);
        const job: JobRecord = jobRecord({
          id: made[made.length - 1] as string,
          key: o.key,
          costCents: o.cost,
          createdMs: now,
          outcome: o.failed ? 'failed' : 'completed',
          failure: o.failed ? 'upstream_error' : null,
          ...(o.steps ? { timing: 'steps' as const, processingPolls: 2 } : {}),
          webhook: o.hook ? { url: 'http://127.0.0.1:9/h', origin: 'http://o', done: false } : null,
        });
        await step(() => store.createJob(job, { startingCents: 100, maxJobs: 4, ttlMs: 30_000, nowMs: now }), true);
        break;
      }
      case 'get':
        await step(() => store.getJob(idOf(o.slot)), true);
        break;
      case 'refund':
        await step(() => store.refundJob(idOf(o.slot), 100), true);
        break;
      case 'claim':
        await step(() => store.claimWebhook(idOf(o.slot)), true);
        break;
      case 'poll':
        now += o.dt;
        await step(() => store.recordPoll(idOf(o.slot), now, o.step, o.interval), true);
        break;
      case 'cancel':
        now += o.dt;
        await step(() => store.cancelJob(idOf(o.slot), now));
        break;
      case 'secret':
        await step(() => store.fingerprintSecret(o.proposed), true);
        break;
      case 'patch':
        await step(() => store.patchJob(idOf(o.slot), { stepUpdatedMs: o.at }), true);
        break;
      case 'jobs': {
        if (o.pendingRefund && o.key === null) {
          // Every key's pending refunds: the same jobs, in an order the interface leaves open.
          await step(async () => (await store.jobs({ pendingRefund: true })).map((j) => j.id).sort());
          break;
        }
        const query = { key: o.key, pendingRefund: o.pendingRefund, pendingWebhook: o.pendingWebhook, ...(o.limit === null ? {} : { limit: o.limit }) };
        await step(async () => (await store.jobs(query)).map((j) => j.id));
        break;
      }
      case 'arm':
        await step(() => store.armFault(o.key, fault(`fault_${++faults}`, o.operation, o.count), 3), true);
        break;
      case 'take':
        await step(() => store.takeFault(o.key, o.operation), true);
        break;
      case 'journal':
        await step(() => store.appendJournal(journalEntry(o.key, o.path), 5), true);
        break;
      case 'read':
        await step(() => store.journal({ key: o.key, afterSeq: o.afterSeq, ...(o.limit === null ? {} : { limit: o.limit }) }));
        break;
      case 'keys':
        await step(() => store.keys(o.key === null ? { offset: o.offset, ...(o.limit === null ? {} : { limit: o.limit }) } : { key: o.key }));
        break;
      case 'advance':
        await step(() => store.advanceClock(o.ms));
        break;
      case 'resetAll':
        await step(() => store.reset(null));
        break;
      case 'counts':
        await step(() => store.counts());
        break;
    }
  }
  return Promise.all(answers);
}

/** The Redis store (its operations issued one after another, or `together`) answers as the memory store does one after another. */
async function expectSameAnswers(ops: readonly Op[], together: boolean): Promise<void> {
  const memory = createMemoryStore({ maxAccounts: 3 });
  const shared = await redisStore({ maxAccounts: 3 });
  try {
    expect(await play(shared, ops, together)).toEqual(await play(memory, ops));
  } finally {
    await shared.close();
  }
}

describe('the in-memory and Redis stores', () => {
  test.prop([fc.array(opArb, { minLength: 1, maxLength: 60 })], { numRuns: 100 })(
    'give the same answers to any sequence of operations (wallets, jobs, polls, cancels, evictions, refunds, webhooks, faults, keys, journal, resets, the key secret)',
    (ops) => expectSameAnswers(ops, false),
  );

  test.prop([fc.array(opArb, { minLength: 1, maxLength: 60 })], { numRuns: 60 })(
    'give the same answers when operations are issued without waiting for each other (the Redis store batches them) as one after another',
    (ops) => expectSameAnswers(ops, true),
  );
});

describe('the Redis store', () => {
  /** A Redis store, warmed up (its scripts loaded), and the count of script calls Redis has run. */
  async function countedStore(): Promise<{ store: Store; scriptCalls: () => Promise<number>; close: () => Promise<void> }> {
    const store = await redisStore({ maxAccounts: 10 });
    const { Redis } = await import('ioredis');
    const probe = new Redis(redis.url);
    const scriptCalls = async (): Promise<number> => {
      const stats = await probe.info('commandstats');
      return [...stats.matchAll(/^cmdstat_eval(?:sha)?:calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    await store.wallet('key_warm', 100);
    const close = async (): Promise<void> => {
      probe.disconnect();
      await store.close();
    };
    return { store, scriptCalls, close };
  }

  test('sends the operations asked for while one is on its way as one batch, and each answers as it would alone', async () => {
    const { store, scriptCalls, close } = await countedStore();
    try {
      const before = await scriptCalls();
      const answers = await Promise.all([
        store.admit('key_a', 1_000, LIMITS),
        store.admit('key_a', 1_001, LIMITS),
        store.credit('key_b', 25, 100),
        store.wallet('key_b', 100),
        store.appendJournal(journalEntry('key_a', '/v1/jobs/x'), 10),
      ]);
      // The first goes at once, alone; the four asked for while it was on its way, together.
      expect((await scriptCalls()) - before).toBe(2);
      expect(answers.slice(0, 2).map((a) => (a as { windowCount: number }).windowCount)).toEqual([1, 2]);
      expect(answers[3]).toEqual({ key: 'key_b', balanceCents: 125, spentCents: 0, refundedCents: 25 });
    } finally {
      await close();
    }
  });

  test('sends a second batch while one is on its way once eight operations wait, and every operation keeps its place in order', async () => {
    const { store, scriptCalls, close } = await countedStore();
    try {
      const before = await scriptCalls();
      const answers = await Promise.all(Array.from({ length: 13 }, (_, i) => store.admit('key_a', 1_000 + i, { ...LIMITS, rpm: 100 })));
      // The first goes alone; the next eight as a second batch while it is on its way; the last four
      // once one of them is back.
      expect((await scriptCalls()) - before).toBe(3);
      expect(answers.map((a) => a.windowCount)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
      expect(answers.map((a) => a.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    } finally {
      await close();
    }
  });

  test('fails only the operation of a batch that fails, and runs the others', async () => {
    const store = await redisStore({ maxAccounts: 10 });
    try {
      const [first, bad, after] = await Promise.allSettled([
        store.credit('key_a', 10, 100),
        // Not a number: the script's arithmetic fails in Redis.
        store.credit('key_a', 'ten' as unknown as number, 100),
        store.credit('key_a', 5, 100),
      ]);
      expect(first.status).toBe('fulfilled');
      expect(bad.status).toBe('rejected');
      expect(String((bad as PromiseRejectedResult).reason)).toMatch(/arithmetic|number/i);
      expect(after).toEqual({ status: 'fulfilled', value: { key: 'key_a', balanceCents: 115, spentCents: 0, refundedCents: 15 } });
    } finally {
      await store.close();
    }
  });

  test("keeps its journal beside an older version's (a sorted set under `journal`): appends and reads work, and a full reset removes the old one", async () => {
    const prefix = `legacy${prefixes++}:`;
    const { Redis } = await import('ioredis');
    const probe = new Redis(redis.url);
    const store = await createRedisStore(redis.url, { prefix, log: null });
    try {
      await probe.set(`${prefix}journal:seq`, '7');
      await probe.zadd(`${prefix}journal`, 7, JSON.stringify({ seq: 7, ...journalEntry('key_a', '/old') }));
      expect((await store.appendJournal(journalEntry('key_a', '/new'), 10)).seq).toBe(8);
      expect((await store.journal()).map((e) => [e.seq, e.path])).toEqual([[8, '/new']]);
      await store.clearJournal('key_a');
      expect(await store.journal()).toEqual([]);
      await store.reset(null);
      expect(await probe.exists(`${prefix}journal`)).toBe(0);
      expect((await store.appendJournal(journalEntry('key_a', '/after'), 10)).seq).toBe(9);
    } finally {
      probe.disconnect();
      await store.close();
    }
  });

  test('tells at once whether a job may await its webhook, from what this process saw; another replica\'s job is found by a listing', async () => {
    const prefix = `hooks${prefixes++}:`;
    const store = await createRedisStore(redis.url, { prefix, log: null });
    const other = await createRedisStore(redis.url, { prefix, log: null });
    try {
      const hooked = (id: string) => jobRecord({ id, webhook: { url: 'http://127.0.0.1:9/h', origin: 'http://o', done: false } });
      const limits = { startingCents: 1_000, maxJobs: 10, ttlMs: 60_000, nowMs: 1_000 };
      // Nothing seen yet: it may.
      expect(store.awaitsWebhooks()).toBe(true);
      expect(await store.jobs({ pendingWebhook: true })).toEqual([]);
      expect(store.awaitsWebhooks()).toBe(false);
      await store.createJob(hooked('job_h1'), limits);
      expect(store.awaitsWebhooks()).toBe(true);
      expect(await store.claimWebhook('job_h1')).toBe(true);
      expect(await store.jobs({ pendingWebhook: true })).toEqual([]);
      expect(store.awaitsWebhooks()).toBe(false);
      // Created through another replica: this one learns of it from its next listing (the dispatcher's timer).
      await other.createJob(hooked('job_h2'), limits);
      expect(store.awaitsWebhooks()).toBe(false);
      expect((await store.jobs({ pendingWebhook: true })).map((j) => j.id)).toEqual(['job_h2']);
      expect(store.awaitsWebhooks()).toBe(true);
      await store.claimWebhook('job_h2');
      // A listing that was sent before a create answers after it: what the create said stands.
      const listing = store.jobs({ pendingWebhook: true });
      await store.createJob(hooked('job_h3'), limits);
      await listing;
      expect(store.awaitsWebhooks()).toBe(true);
    } finally {
      await Promise.all([store.close(), other.close()]);
    }
  });

  test('reads, in the process that asked, every journal entry it asked for, though nobody waited for them', async () => {
    const prefix = `journal${prefixes++}:`;
    const store = await createRedisStore(redis.url, { prefix, log: null });
    try {
      // What the core does with an answer's entry: asks for it and goes on.
      for (let i = 0; i < 40; i++) void store.appendJournal(journalEntry(i % 2 === 0 ? 'key_a' : 'key_b', `/v1/jobs/${i}`), 100);
      expect((await store.journal()).map((e) => e.path)).toEqual(Array.from({ length: 40 }, (_, i) => `/v1/jobs/${i}`));
      void store.appendJournal(journalEntry('key_a', '/v1/jobs/late'), 100);
      await store.clearJournal('key_a');
      expect((await store.journal()).map((e) => e.key)).toEqual(Array.from({ length: 20 }, () => 'key_b'));
    } finally {
      await store.close();
    }
  });

  test('writes out the journal entries still on their way when it closes', async () => {
    const prefix = `journal${prefixes++}:`;
    const store = await createRedisStore(redis.url, { prefix, log: null });
    for (let i = 0; i < 30; i++) void store.appendJournal(journalEntry('key_a', `/v1/jobs/${i}`), 100);
    await store.close();
    const after = await createRedisStore(redis.url, { prefix, log: null });
    try {
      expect((await after.journal()).map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      await after.close();
    }
  });

  test('says in its log that a journal entry could not be written, when the failure is not an outage', async () => {
    const prefix = `journal${prefixes++}:`;
    const lines: string[] = [];
    const store = await createRedisStore(redis.url, { prefix, log: (line) => lines.push(line) });
    const { Redis } = await import('ioredis');
    const probe = new Redis(redis.url);
    try {
      // Another program wrote something else under the journal's name.
      await probe.set(`${prefix}journal:entries`, 'not a journal');
      await expect(store.appendJournal(journalEntry('key_a', '/v1/jobs/x'), 100)).rejects.toThrow(/WRONGTYPE/);
      expect(lines).toEqual([expect.stringMatching(/a journal entry could not be written to the Redis store at redis:\/\/127\.0\.0\.1:\d+.*WRONGTYPE/)]);
    } finally {
      probe.disconnect();
      await store.close();
    }
  });
});
