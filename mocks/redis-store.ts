import type { Redis } from 'ioredis';
import {
  StoreUnavailableError,
  type Admission,
  type AdmitLimits,
  type CreateJobResult,
  type Fault,
  type JobLimits,
  type JobPatch,
  type JobQuery,
  type JobRecord,
  type JournalEntry,
  type JournalQuery,
  type KeyQuery,
  type KeyRecord,
  type OpenedRequest,
  type PollRecord,
  type RequestOpening,
  type SequenceName,
  type Store,
  type WalletRecord,
} from '../src/sim/store.js';
import { awaitsRefund, earnedFrom, hasEnded, refundedOnEviction } from '../src/sim/lifecycle.js';
import { JOB_FIELDS, redisScripts, type RedisScriptName } from './redis-scripts.js';
import { redactRedisUrl, redisUrlProblem } from './redis-url.js';

export interface RedisStoreOptions {
  /** Prefix of every key the store writes, so that several mocks can share one Redis. Default `aigw:`. */
  prefix?: string;
  /** Wallets, limiters and faults are kept for at most this many keys (least recently used evicted). Default 10000. */
  maxAccounts?: number;
  /** A command without an answer after this long fails, and the request is answered 503. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** How long `createRedisStore` waits for the first connection before it gives up. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Where the store says that Redis went away and came back (once per outage). Default stderr. */
  log?: ((line: string) => void) | null;
}

/** Request ids are taken from Redis in blocks of this many (a round trip per block, not per request). */
const REQUEST_BLOCK = 256;

/** At most this many operations go to Redis in one batch. */
const MAX_BATCH = 128;

/**
 * A second batch goes while one is on its way once this many operations wait for it (decision 028):
 * then the mock prepares one batch while Redis runs the other. Fewer go with the next batch, as one.
 */
const SECOND_BATCH = 8;

interface QueuedOperation {
  name: RedisScriptName;
  args: (string | number)[];
  resolve: (reply: unknown) => void;
  reject: (error: unknown) => void;
}

/** Redis answers that mean "not now" (loading, busy, out of memory, a read-only replica), not a bug. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|OOM|READONLY|NOREPLICAS|NOSCRIPT)\b/;

const walletFrom = (reply: unknown): WalletRecord => {
  const [key, balance, spent, refunded] = reply as [string, string, string, string];
  return { key, balanceCents: Number(balance), spentCents: Number(spent), refundedCents: Number(refunded) };
};

/** The flags are Lua booleans: 1 or null from a script of its own, true or null from a batch. */
type Flag = 1 | true | null;
type AdmitReply = [string, string, string, Flag, Flag, Flag];

const isSet = (flag: Flag): boolean => flag === 1 || flag === true;

const admissionFrom = ([seq, windowStart, windowCount, limited, armed, pending]: AdmitReply): Admission => ({
  seq: Number(seq),
  windowStartMs: Number(windowStart),
  windowCount: Number(windowCount),
  limited: isSet(limited),
  faultsArmed: isSet(armed),
  refundsPending: isSet(pending),
});

/**
 * The hash a job is kept in: the record as JSON, the fields the scripts read (key, created, cost, hook
 * when it has a webhook, and `earnedFrom`: paidms or paidpolls), and the fields that change (p:<field>
 * as JSON, wd when the webhook event was handed out), each written only once it differs from a new
 * job's (no polls, no poll, not refunded, not cancelled, not handed out): absent, it is the record's.
 */
function jobHash(job: JobRecord): string[] {
  const hash = ['r', JSON.stringify(job), 'key', job.key, 'created', String(job.createdMs), 'cost', String(job.costCents)];
  if (job.webhook !== null) hash.push('hook', '1');
  if (job.webhook?.done === true) hash.push('wd', '1');
  const earned = earnedFrom(job);
  if (earned !== null) hash.push(...('ms' in earned ? ['paidms', JSON.stringify(earned.ms)] : ['paidpolls', String(earned.polls)]));
  if (job.polls !== 0) hash.push('p:polls', JSON.stringify(job.polls));
  if (job.lastPollMs !== null) hash.push('p:lastPollMs', JSON.stringify(job.lastPollMs));
  if (job.cancelledMs !== null) hash.push('p:cancelledMs', JSON.stringify(job.cancelledMs));
  if (job.refunded) hash.push('p:refunded', 'true');
  return hash;
}

/**
 * The record back from its hash (`HGETALL` as a flat list or an object): the JSON, with every changed
 * field over it (a field not written is as the JSON has it).
 */
function jobFrom(hash: unknown): JobRecord | null {
  const fields: Record<string, string> = {};
  if (Array.isArray(hash)) {
    for (let i = 0; i + 1 < hash.length; i += 2) fields[String(hash[i])] = String(hash[i + 1]);
  } else if (hash !== null && typeof hash === 'object') Object.assign(fields, hash);
  const raw = fields['r'];
  if (raw === undefined) return null;
  const job = JSON.parse(raw) as JobRecord & Record<string, unknown>;
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith('p:')) job[field.slice(2)] = JSON.parse(value) as unknown;
  }
  if (job.webhook !== null && fields['wd'] !== undefined) job.webhook = { ...job.webhook, done: fields['wd'] === '1' };
  return job;
}

/**
 * An operation's reply from the batch's JSON, as the operation's own script answers it through
 * ioredis: Lua's false (a nil reply) is null, and an empty table, which the JSON encoder writes as
 * {}, an empty list.
 */
function fromJson(reply: unknown): unknown {
  if (reply === false) return null;
  if (Array.isArray(reply)) return reply.map(fromJson);
  if (reply !== null && typeof reply === 'object' && Object.keys(reply).length === 0) return [];
  return reply;
}

/** The journal's stream (decision 026); `journal`, an older version's sorted set, is left alone but for a reset. */
const JOURNAL = 'journal:entries';

/** A journal entry from its stream entry: the number is the id's sequence part, the rest the JSON kept. */
function journalEntryFrom([id, fields]: [string, string[]]): JournalEntry {
  return { seq: Number(id.slice(2)), ...(JSON.parse(fields[1] ?? '{}') as Omit<JournalEntry, 'seq'>) };
}

/** The first stream id after `afterSeq` (ids are `0-<seq>`), `-` for all, or null when none can follow. */
function journalStart(afterSeq: number): string | null {
  if (!(afterSeq >= 1)) return '-';
  if (afterSeq >= Number.MAX_SAFE_INTEGER) return null;
  return `0-${Math.floor(afterSeq) + 1}`;
}

/** Every field a patch writes is among those a request's first step reads (else its job would lack it). */
const patchesRead: [Exclude<`p:${keyof JobPatch}`, (typeof JOB_FIELDS)[number]>] extends [never] ? true : never = true;
void patchesRead;

/** The record back from its JOB_FIELDS as `openRequest` reads them (null each when the job is gone). */
function jobFromFields(values: unknown): JobRecord | null {
  const hash: unknown[] = [];
  (values as (string | null)[]).forEach((value, i) => {
    if (value !== null && value !== undefined) hash.push(JOB_FIELDS[i], value);
  });
  return jobFrom(hash);
}

type ScriptCall = (...args: (string | number)[]) => Promise<unknown>;

/**
 * The simulation's state in Redis, shared by every process that names the same server and prefix
 * (docs/decisions/020-state-shared-on-redis.md). Each operation is one Lua script or one command, so it is atomic across
 * replicas; reads that decide writes never leave Redis. When Redis cannot be reached, operations
 * fail at once (no offline queue) or after `commandTimeoutMs`, with `StoreUnavailableError`, which
 * the simulation answers as a 503 with Retry-After; the client reconnects by itself.
 */
export class RedisStore implements Store {
  readonly kind = 'redis';
  readonly prefix: string;
  readonly url: string;
  private readonly maxAccounts: string;
  private readonly log: (line: string) => void;
  private readonly blocks = new Map<SequenceName, { next: number; end: number }>();
  private readonly refills = new Map<SequenceName, Promise<void>>();
  /** Operations waiting for the batch on its way to return (see `script`). */
  private readonly queued: QueuedOperation[] = [];
  /** Batches on their way: at most two, the second only once SECOND_BATCH operations wait. */
  private flushing = 0;
  /**
   * What this process saw of jobs awaiting their webhook event (`awaitsWebhooks`): true until a
   * listing finds none, true again on a create with one. `webhookCreates` counts those creates, so
   * that a listing sent before a create cannot clear what the create set.
   */
  private webhooksSeen = true;
  private webhookCreates = 0;
  /**
   * Settles when every journal entry asked for so far is written (or failed): the answers do not wait
   * for their entries, this process's reads of the journal do.
   */
  private journalWritten: Promise<unknown> = Promise.resolve();
  /** Until the first connection is ready, `connect` reports failures, not the outage log. */
  private down = true;
  private starting = true;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly redis: Redis,
    url: string,
    options: RedisStoreOptions = {},
  ) {
    this.url = redactRedisUrl(url);
    this.prefix = options.prefix ?? 'aigw:';
    this.maxAccounts = String(options.maxAccounts ?? 10_000);
    this.log = options.log === null ? () => undefined : (options.log ?? ((line) => void process.stderr.write(`${line}\n`)));
    redis.on('error', (error: Error) => this.wentDown(error.message));
    redis.on('close', () => this.wentDown('connection closed'));
    redis.on('ready', () => this.cameBack());
  }

  /** Resolves once the first connection is ready; rejects (and closes) when it is not ready in time. */
  async connect(timeoutMs: number): Promise<this> {
    const { redis } = this;
    if (redis.status !== 'ready') await this.firstReady(timeoutMs);
    this.starting = false;
    this.down = false;
    return this;
  }

  async clockOffset(): Promise<number> {
    return Number(await this.script('aigwClock'));
  }

  async advanceClock(ms: number): Promise<number> {
    return this.run(() => this.redis.incrby(this.key('clock'), ms));
  }

  async nextSequence(name: SequenceName): Promise<number> {
    for (;;) {
      const block = this.blocks.get(name);
      if (block !== undefined && block.next <= block.end) return block.next++;
      let refill = this.refills.get(name);
      if (refill === undefined) {
        const size = name === 'request' ? REQUEST_BLOCK : 1;
        refill = this.run(() => this.redis.incrby(this.key(`seq:${name}`), size))
          .then((end) => void this.blocks.set(name, { next: end - size + 1, end }))
          .finally(() => this.refills.delete(name));
        this.refills.set(name, refill);
      }
      await refill;
    }
  }

  async openRequest({ sourceMs, floorMs, admit, jobId }: RequestOpening): Promise<OpenedRequest> {
    const limits = admit?.limits;
    const [offset, now, admission, job] = (await this.script(
      'aigwOpenRequest',
      sourceMs,
      floorMs,
      admit?.key ?? '',
      limits?.rpm ?? 0,
      limits?.windowMs ?? 0,
      limits?.startingCents ?? 0,
      jobId ?? '',
    )) as [string, string, AdmitReply | null, unknown];
    return { offsetMs: Number(offset), nowMs: Number(now), admission: admission === null ? null : admissionFrom(admission), job: jobId === null ? null : jobFromFields(job) };
  }

  async admit(key: string, nowMs: number, limits: AdmitLimits): Promise<Admission> {
    return admissionFrom((await this.script('aigwAdmit', key, nowMs, limits.rpm, limits.windowMs, limits.startingCents)) as AdmitReply);
  }

  async wallet(key: string, startingCents: number): Promise<WalletRecord> {
    return walletFrom(await this.script('aigwWallet', key, startingCents));
  }

  async setBalance(key: string, balanceCents: number, startingCents: number): Promise<WalletRecord> {
    return walletFrom(await this.script('aigwSetBalance', key, startingCents, balanceCents));
  }

  async credit(key: string, cents: number, startingCents: number): Promise<WalletRecord> {
    return walletFrom(await this.script('aigwCredit', key, startingCents, cents));
  }

  async createJob(job: JobRecord, limits: JobLimits): Promise<CreateJobResult> {
    const pendingWebhook = job.webhook !== null && !job.webhook.done;
    if (pendingWebhook) {
      this.webhooksSeen = true;
      this.webhookCreates += 1;
    }
    const [status, wallet, evicted, unjudged] = (await this.script(
      'aigwCreateJob',
      job.key,
      limits.startingCents,
      job.id,
      job.costCents,
      limits.nowMs,
      limits.maxJobs,
      limits.ttlMs,
      awaitsRefund(job) ? 1 : 0,
      pendingWebhook ? 1 : 0,
      ...jobHash(job),
    )) as [number, unknown, string[], unknown[]];
    if (status === 2) return { ok: false, reason: 'taken' };
    if (status !== 1) return { ok: false, reason: 'funds', wallet: walletFrom(wallet) };
    // Jobs kept by an older version carry no `earnedFrom`: judged here, by the lifecycle, after the create.
    for (const old of unjudged.map(jobFrom)) {
      if (old !== null && refundedOnEviction(old, limits.nowMs)) await this.credit(old.key, old.costCents, limits.startingCents);
    }
    return { ok: true, wallet: walletFrom(wallet), evicted };
  }

  async getJob(id: string): Promise<JobRecord | null> {
    return jobFrom(await this.script('aigwGetJob', id));
  }

  async recordPoll(id: string, nowMs: number, step: boolean, minIntervalMs: number | null = null): Promise<PollRecord | null> {
    const reply = (await this.script('aigwRecordPoll', id, JSON.stringify(nowMs), step ? 1 : 0, minIntervalMs === null ? '' : minIntervalMs)) as [string, unknown, number] | null;
    if (reply === null) return null;
    const job = jobFrom(reply[1]);
    return job === null ? null : { job, previousPollMs: JSON.parse(reply[0]) as number | null, throttled: reply[2] === 1 };
  }

  async cancelJob(id: string, nowMs: number): Promise<{ job: JobRecord; cancelled: boolean } | null> {
    let job = await this.getJob(id);
    // Compare and set: a poll between the read and the script moves the job's polls, and the
    // lifecycle is judged again on the record it left.
    for (let attempt = 0; job !== null; attempt++) {
      if (job.cancelledMs !== null || hasEnded(job, nowMs)) return { job, cancelled: false };
      const reply = (await this.script('aigwCancelJob', id, nowMs, JSON.stringify(job.polls))) as [number, unknown] | null;
      if (reply === null) return null;
      const after = jobFrom(reply[1]);
      if (after === null) return null;
      if (reply[0] === 1) return { job: after, cancelled: true };
      if (attempt >= 100) throw new StoreUnavailableError(`job ${id} kept changing while it was being cancelled`);
      job = after;
    }
    return null;
  }

  async fingerprintSecret(proposed: string): Promise<string> {
    return String(await this.script('aigwFingerprintSecret', proposed));
  }

  async patchJob(id: string, patch: JobPatch): Promise<JobRecord | null> {
    const fields = Object.entries(patch).flatMap(([name, value]) => (value === undefined ? [] : [`p:${name}`, JSON.stringify(value)]));
    return jobFrom(await this.script('aigwPatchJob', id, ...fields));
  }

  async refundJob(id: string, startingCents: number): Promise<WalletRecord | null> {
    const reply = await this.script('aigwRefundJob', id, startingCents);
    return reply === null ? null : walletFrom(reply);
  }

  async claimWebhook(id: string): Promise<boolean> {
    return (await this.script('aigwClaimWebhook', id)) === 1;
  }

  awaitsWebhooks(): boolean {
    return this.webhooksSeen;
  }

  async jobs(query: JobQuery = {}): Promise<JobRecord[]> {
    const key = query.key ?? null;
    let ids: string[];
    let filter: (job: JobRecord) => boolean = () => true;
    if (query.pendingRefund === true && key !== null) ids = await this.range(`refunds:${key}`);
    else if (query.pendingRefund === true) {
      ids = await this.range('jobs');
      filter = awaitsRefund;
    } else if (query.pendingWebhook === true) {
      const creates = this.webhookCreates;
      ids = await this.range('webhooks');
      if (key !== null) filter = (job) => job.key === key;
      else if (this.webhookCreates === creates) this.webhooksSeen = ids.length > 0;
    } else ids = await this.range(key === null ? 'jobs' : `keyjobs:${key}`, query.limit);
    // One write for all the lookups (a listing may name thousands of jobs).
    const replies = ids.length === 0 ? [] : ((await this.run(() => this.redis.pipeline(ids.map((id) => ['hgetall', this.key(`job:${id}`)])).exec())) ?? []);
    const hashes = replies.map(([error, hash]) => {
      if (error !== null) throw error;
      return hash;
    });
    const found = hashes.map(jobFrom).filter((job): job is JobRecord => job !== null && filter(job));
    return query.limit === undefined ? found : found.slice(-query.limit);
  }

  async armFault(key: string, fault: Fault, maxPerKey: number): Promise<Fault | null> {
    const armed = await this.script('aigwArmFault', key, JSON.stringify(fault), maxPerKey);
    return armed === 1 ? { ...fault } : null;
  }

  async takeFault(key: string, operationId: string): Promise<Fault | null> {
    const raw = (await this.script('aigwTakeFault', key, operationId)) as string | null;
    return raw === null ? null : (JSON.parse(raw) as Fault);
  }

  async faults(key: string): Promise<Fault[]> {
    const items = await this.run(() => this.redis.lrange(this.key(`faults:${key}`), 0, -1));
    return items.map((raw) => JSON.parse(raw) as Fault);
  }

  async clearFaults(key: string): Promise<void> {
    await this.run(() => this.redis.multi().del(this.key(`faults:${key}`)).zrem(this.key('faultkeys'), key).exec());
  }

  async keys(query: KeyQuery = {}): Promise<{ total: number; keys: KeyRecord[] }> {
    let names: string[];
    if (query.key !== undefined) names = [query.key];
    else {
      // Wallets most recently used first, then the keys known only by their faults, newest first.
      const [accounts, faulted] = await this.run(() => Promise.all([this.redis.zrevrange(this.key('accounts'), 0, -1), this.redis.zrevrange(this.key('faultkeys'), 0, -1)]));
      const held = new Set(accounts);
      names = [...accounts, ...faulted.filter((key) => !held.has(key))];
    }
    const offset = query.offset ?? 0;
    const page = query.key !== undefined ? names : names.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    // One write for all the reads: a read changes no key's place in the order and creates no wallet.
    const commands = page.flatMap((key) => [
      ['hmget', this.key(`account:${key}`), 'balance', 'spent', 'refunded', 'wstart', 'wcount'],
      ['lrange', this.key(`faults:${key}`), '0', '-1'],
    ]);
    const replies = page.length === 0 ? [] : ((await this.run(() => this.redis.pipeline(commands).exec())) ?? []);
    const records: KeyRecord[] = page.map((key, i) => {
      const [accountError, account] = replies[2 * i] ?? [null, []];
      const [faultsError, faults] = replies[2 * i + 1] ?? [null, []];
      if (accountError !== null) throw accountError;
      if (faultsError !== null) throw faultsError;
      const [balance, spent, refunded, windowStart, windowCount] = account as (string | null)[];
      return {
        key,
        wallet: balance === null || balance === undefined ? null : { key, balanceCents: Number(balance), spentCents: Number(spent), refundedCents: Number(refunded) },
        windowStartMs: Number(windowStart ?? 0),
        windowCount: Number(windowCount ?? 0),
        faults: (faults as string[]).map((raw) => JSON.parse(raw) as Fault),
      };
    });
    if (query.key !== undefined) {
      const found = records.filter((r) => r.wallet !== null || r.faults.length > 0);
      return { total: found.length, keys: found };
    }
    return { total: names.length, keys: records };
  }

  async appendJournal(entry: Omit<JournalEntry, 'seq'>, limit: number): Promise<JournalEntry> {
    // Queued now (script() queues synchronously): every later operation of this process comes after it.
    const written = this.script('aigwAppendJournal', JSON.stringify(entry), limit);
    this.journalWritten = written.then(
      () => undefined,
      () => undefined,
    );
    try {
      return { seq: Number(await written), ...entry };
    } catch (error) {
      // An outage is logged once by failure(); anything else would be lost without a word.
      if (!(error instanceof StoreUnavailableError)) this.log(`aigw-video: a journal entry could not be written to the Redis store at ${this.url} (${(error as Error).message ?? String(error)}).`);
      throw error;
    }
  }

  async journal(query: JournalQuery = {}): Promise<JournalEntry[]> {
    const { key = null, afterSeq = 0, limit } = query;
    await this.journalWritten;
    const start = journalStart(afterSeq);
    if (start === null) return [];
    const journal = this.key(JOURNAL);
    if (key === null && limit !== undefined && Number.isInteger(limit) && limit > 0) {
      // The newest few (an event stream's first question): read from the end, not the whole journal.
      const newest = await this.run(() => this.redis.xrevrange(journal, '+', start, 'COUNT', limit));
      return newest.reverse().map(journalEntryFrom);
    }
    const found = (await this.run(() => this.redis.xrange(journal, start, '+'))).map(journalEntryFrom).filter((e) => key === null || e.key === key);
    return limit === undefined ? found : found.slice(-limit);
  }

  async clearJournal(key: string | null): Promise<void> {
    const journal = this.key(JOURNAL);
    await this.journalWritten;
    if (key === null) {
      await this.run(() => this.redis.del(journal));
      return;
    }
    // Removing the key's entries by id: an entry appended meanwhile is not among them, as if the
    // clear had happened before it.
    const entries = await this.run(() => this.redis.xrange(journal, '-', '+'));
    const mine = entries.filter((entry) => journalEntryFrom(entry).key === key).map(([id]) => id);
    for (let i = 0; i < mine.length; i += 500) {
      const chunk = mine.slice(i, i + 500);
      await this.run(() => this.redis.xdel(journal, ...chunk));
    }
  }

  async reset(key: string | null): Promise<number> {
    if (key === null) return Number(await this.script('aigwResetAll'));
    const removed = Number(await this.script('aigwResetKey', key));
    await this.clearJournal(key);
    return removed;
  }

  async counts(): Promise<{ jobs: number; keys: number }> {
    const [jobs, keys] = await this.run(() => Promise.all([this.redis.zcard(this.key('jobs')), this.redis.zcard(this.key('accounts'))]));
    return { jobs, keys };
  }

  async commit(): Promise<void> {
    // Every operation was written when it returned: nothing waits for the end of the unit of work.
  }

  close(): Promise<void> {
    this.closing ??= this.journalWritten.then(async () => {
      this.closed = true;
      try {
        await this.redis.quit();
      } catch {
        this.redis.disconnect();
      }
    });
    return this.closing;
  }

  private async firstReady(timeoutMs: number): Promise<void> {
    const { redis } = this;
    await new Promise<void>((ready, fail) => {
      let lastError = 'no answer';
      const onError = (error: Error): void => {
        lastError = error.message;
      };
      const done = (error: Error | null): void => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        redis.off('error', onError);
        if (error === null) ready();
        else fail(error);
      };
      const onReady = (): void => done(null);
      const timer = setTimeout(() => done(new StoreUnavailableError(`Redis at ${this.url} did not answer within ${timeoutMs} ms (${lastError})`)), timeoutMs);
      redis.on('ready', onReady);
      redis.on('error', onError);
    }).catch(async (error: unknown) => {
      await this.close();
      throw error;
    });
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private range(name: string, limit?: number): Promise<string[]> {
    return this.run(() => this.redis.zrange(this.key(name), limit === undefined ? '0' : String(-limit), '-1'));
  }

  /**
   * Runs an operation's script. Group commit: while a script is on its way, the operations asked for
   * meanwhile wait, and go together as one batch script when it returns (each still atomic, in order).
   * Under load that is one command, one write and one read for many requests' operations, where each
   * cost both processes a system call of its own; alone, an operation goes at once, as itself. Once
   * SECOND_BATCH wait, they go without waiting for the first: one connection keeps them in order.
   */
  private script(name: RedisScriptName, ...args: (string | number)[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queued.push({ name, args, resolve, reject });
      if (this.flushing === 0 || (this.flushing === 1 && this.queued.length >= SECOND_BATCH)) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing += 1;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, MAX_BATCH);
        if (batch.length === 1) {
          const [{ name, args, resolve, reject }] = batch as [QueuedOperation];
          const call = (this.redis as unknown as Record<RedisScriptName, ScriptCall>)[name];
          await this.run(() => call.call(this.redis, this.prefix, this.maxAccounts, ...args)).then(resolve, reject);
          continue;
        }
        const ops: string[][] = [];
        for (const { name, args } of batch) ops.push([name, '', ...args.map(String)]);
        const call = (this.redis as unknown as Record<'aigwBatch', ScriptCall>).aigwBatch;
        let replies: [boolean, unknown][];
        try {
          replies = JSON.parse((await this.run(() => call.call(this.redis, this.prefix, this.maxAccounts, JSON.stringify(ops)))) as string) as [boolean, unknown][];
        } catch (error) {
          for (const operation of batch) operation.reject(error);
          continue;
        }
        batch.forEach((operation, i) => {
          const [ok, reply] = replies[i] ?? [false, 'no reply in the batch'];
          if (ok) operation.resolve(fromJson(reply));
          else operation.reject(this.failure(Object.assign(new Error(String(reply)), { name: 'ReplyError' })));
        });
      }
    } finally {
      this.flushing -= 1;
    }
  }

  /** Runs commands; a connection failure becomes StoreUnavailableError (the simulation answers 503). */
  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError(`the Redis store at ${this.url} is closed`);
    try {
      const result = await work();
      if (this.down && this.redis.status === 'ready') this.cameBack();
      return result;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** A bug's error as it is; a lost connection, or Redis saying "not now", as StoreUnavailableError. */
  private failure(error: unknown): unknown {
    const name = (error as Error).name;
    const message = (error as Error).message ?? String(error);
    if (name === 'ReplyError' && !TRANSIENT_REPLY.test(message)) return error;
    this.wentDown(message);
    return new StoreUnavailableError(`Redis at ${this.url}: ${message}`);
  }

  private wentDown(reason: string): void {
    if (this.down || this.closed || this.starting) return;
    this.down = true;
    this.log(`aigw-video: the Redis store at ${this.url} is unavailable (${reason}); answering 503 with Retry-After until it answers again.`);
  }

  private cameBack(): void {
    if (!this.down || this.closed || this.starting) return;
    this.down = false;
    this.log(`aigw-video: the Redis store at ${this.url} is back.`);
  }
}

/**
 * Connects to Redis and answers a store over it (`redis://host:6379/0`). The Redis client
 * (`ioredis`, an optional peer dependency) is loaded here, on first use, never by a mock that keeps
 * its state in memory.
 */
export async function createRedisStore(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
  const problem = redisUrlProblem(url);
  if (problem !== null) throw new TypeError(`store: ${problem}.`);
  let Client: typeof Redis;
  try {
    ({ Redis: Client } = await import('ioredis'));
  } catch {
    throw new Error("The Redis store needs the 'ioredis' package: npm install ioredis@6");
  }
  const { commandTimeoutMs = 2000, connectTimeoutMs = 5000 } = options;
  const store = new RedisStore(
    new Client(url, {
      // Fail fast while Redis is away (the request is answered 503), and never resend a command the
      // caller was told had failed: a create must not be charged twice.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: commandTimeoutMs,
      connectTimeout: Math.min(connectTimeoutMs, 10_000),
      // Reconnect for as long as it takes, at most a second apart.
      retryStrategy: (times) => Math.min(50 * times, 1000),
      // Each command written as it is issued. Auto-pipelining (one write per tick) cost more CPU per
      // request than it saved here, 10 concurrent polls each awaiting its commands in turn (median of
      // 4 paired runs: 590 us against 277 us, docs/benchmarks.md); RESP2, the protocol every Redis
      // speaks, parsed no slower than RESP3.
      enableAutoPipelining: false,
      protocol: 2,
      scripts: Object.fromEntries(Object.entries(redisScripts).map(([name, lua]) => [name, { lua, numberOfKeys: 0 }])),
      connectionName: 'aigw-video-mock',
    }),
    url,
    options,
  );
  return store.connect(connectTimeoutMs);
}
