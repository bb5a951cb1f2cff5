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

/** Plays the operations on one store; the clock and job ids are the test's, the same for both stores. */
async function play(store: Store, ops: readonly Op[]): Promise<unknown[]> {
  let now = 1_000_000;
  let faults = 0;
  const answers: unknown[] = [];
  // The core never reuses an id (it salts a colliding one): every create has a new id, slots name the ones made.
  const made: string[] = [];
  const idOf = (slot: number): string => made[slot % Math.max(made.length, 1)] ?? 'job_none';
  for (const o of ops) {
    switch (o.op) {
      case 'admit':
        now += o.dt;
        answers.push(await store.admit(o.key, now, LIMITS));
        break;
      case 'wallet':
        answers.push(await store.wallet(o.key, 100));
        break;
      case 'resetKey':
        answers.push(await store.reset(o.key));
        break;
      case 'faults':
        answers.push(await store.faults(o.key));
        break;
      case 'clearFaults':
        answers.push(await store.clearFaults(o.key));
        break;
      case 'clearJournal':
        answers.push(await store.clearJournal(o.key));
        break;
      case 'setBalance':
        answers.push(await store.setBalance(o.key, o.cents, 100));
        break;
      case 'credit':
        answers.push(await store.credit(o.key, o.cents, 100));
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
        answers.push(await store.createJob(job, { startingCents: 100, maxJobs: 4, ttlMs: 30_000, nowMs: now }));
        break;
      }
      case 'get':
        answers.push(await store.getJob(idOf(o.slot)));
        break;
      case 'refund':
        answers.push(await store.refundJob(idOf(o.slot), 100));
        break;
      case 'claim':
        answers.push(await store.claimWebhook(idOf(o.slot)));
        break;
      case 'poll':
        now += o.dt;
        answers.push(await store.recordPoll(idOf(o.slot), now, o.step, o.interval));
        break;
      case 'cancel':
        now += o.dt;
        answers.push(await store.cancelJob(idOf(o.slot), now));
        break;
      case 'secret':
        answers.push(await store.fingerprintSecret(o.proposed));
        break;
      case 'patch':
        answers.push(await store.patchJob(idOf(o.slot), { stepUpdatedMs: o.at }));
        break;
      case 'jobs': {
        if (o.pendingRefund && o.key === null) {
          // Every key's pending refunds: the same jobs, in an order the interface leaves open.
          answers.push((await store.jobs({ pendingRefund: true })).map((j) => j.id).sort());
          break;
        }
        const query = { key: o.key, pendingRefund: o.pendingRefund, pendingWebhook: o.pendingWebhook, ...(o.limit === null ? {} : { limit: o.limit }) };
        answers.push((await store.jobs(query)).map((j) => j.id));
        break;
      }
      case 'arm':
        answers.push(await store.armFault(o.key, fault(`fault_${++faults}`, o.operation, o.count), 3));
        break;
      case 'take':
        answers.push(await store.takeFault(o.key, o.operation));
        break;
      case 'journal':
        answers.push(await store.appendJournal(journalEntry(o.key, o.path), 5));
        break;
      case 'read':
        answers.push(await store.journal({ key: o.key, afterSeq: o.afterSeq, ...(o.limit === null ? {} : { limit: o.limit }) }));
        break;
      case 'keys':
        answers.push(await store.keys(o.key === null ? { offset: o.offset, ...(o.limit === null ? {} : { limit: o.limit }) } : { key: o.key }));
        break;
      case 'advance':
        answers.push(await store.advanceClock(o.ms));
        break;
      case 'resetAll':
        answers.push(await store.reset(null));
        break;
      case 'counts':
        answers.push(await store.counts());
        break;
    }
  }
  return answers;
}

describe('the in-memory and Redis stores', () => {
  test.prop([fc.array(opArb, { minLength: 1, maxLength: 60 })], { numRuns: 100 })(
    'give the same answers to any sequence of operations (wallets, jobs, polls, cancels, evictions, refunds, webhooks, faults, keys, journal, resets, the key secret)',
    async (ops) => {
      const memory = createMemoryStore({ maxAccounts: 3 });
      const shared = await redisStore({ maxAccounts: 3 });
      try {
        expect(await play(shared, ops)).toEqual(await play(memory, ops));
      } finally {
        await shared.close();
      }
    },
  );
});
