import type {
  Admission,
  AdmitLimits,
  OpenedRequest,
  RequestOpening,
  CreateJobResult,
  Fault,
  JobLimits,
  JobPatch,
  JobQuery,
  JobRecord,
  JournalEntry,
  JournalQuery,
  KeyQuery,
  KeyRecord,
  PollRecord,
  SequenceName,
  Store,
  WalletRecord,
} from './store.js';
import { awaitsRefund, hasEnded, refundedOnEviction } from './lifecycle.js';
import { redactKeys } from './redact-keys.js';

interface Account extends WalletRecord {
  /** Decisions made for this key so far. */
  seq: number;
  /** Fixed one-minute rate-limit window. Not persisted. */
  windowStartMs: number;
  windowCount: number;
}

/** The persisted form of a wallet (the limiter window and armed faults are not kept). */
export type StoredAccount = WalletRecord & { seq: number };

/** One record of the change log a state file keeps (docs/decisions/006). */
export type Change =
  | { t: 'reset' }
  /** The secret keys are fingerprinted with: accounts stay reachable across a restart. */
  | { t: 'keys'; secret: string }
  | { t: 'clock'; offsetMs: number }
  | { t: 'job'; job: JobRecord }
  | { t: 'job-'; id: string }
  | { t: 'account'; account: StoredAccount }
  | { t: 'account-'; key: string };

export interface MemoryStoreOptions {
  /** Wallets, limiters and faults are kept for at most this many keys (least recently used evicted). */
  maxAccounts?: number;
}

const copyJob = (job: JobRecord): JobRecord => ({ ...job, webhook: job.webhook === null ? null : { ...job.webhook } });
/**
 * A job as a state file writes it down: a key in its webhook_url (`?token=sk-aig-...`) is redacted,
 * so a state file never holds one. Such an event cannot be sent after a restart (the dispatcher says so).
 */
const storedJob = (job: JobRecord): JobRecord => ({ ...job, webhook: job.webhook === null ? null : { ...job.webhook, url: redactKeys(job.webhook.url) } });
const walletOf = (a: Account): WalletRecord => ({ key: a.key, balanceCents: a.balanceCents, spentCents: a.spentCents, refundedCents: a.refundedCents });
const storedAccount = (a: Account): StoredAccount => ({ ...walletOf(a), seq: a.seq });

/**
 * The store in this process's memory: what a single mock needs, fast. It can record what each unit
 * of work changed (`drainChanges`), so that a state file can keep it across restarts; nothing is
 * recorded unless `trackChanges(true)` was called, so memory stays bounded without a reader.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory';
  private offsetMs = 0;
  /** The key fingerprint secret, once proposed (never changed after, not even by a reset). */
  private secret: string | null = null;
  private readonly sequences = new Map<SequenceName, number>();
  /** Creation order: the oldest first. */
  private readonly jobMap = new Map<string, JobRecord>();
  /**
   * The same order as a queue, for eviction: a Map deleted from its front is iterated past every
   * deleted entry until it rehashes (10 µs a create at 10,000 jobs). A record no longer in jobMap
   * (removed, or put again since) is stale and skipped.
   */
  private creationOrder: JobRecord[] = [];
  private oldestAt = 0;
  /** Least recently used first. */
  private readonly accounts = new Map<string, Account>();
  private readonly pendingRefunds = new Map<string, Set<string>>();
  private readonly pendingWebhooks = new Set<string>();
  /** Armed faults by key, least recently armed key first. Not persisted. */
  private readonly faultMap = new Map<string, Fault[]>();
  private entries: JournalEntry[] = [];
  private journalSeq = 0;
  private readonly maxAccounts: number;

  private tracking = false;
  private readonly dirtyJobs = new Set<string>();
  private readonly dirtyAccounts = new Set<string>();
  private dirtyClock = false;
  private dirtyReset = false;
  private dirtySecret = false;
  /** Called at the end of each unit of work (a state file appends the changes). */
  onCommit: (() => void) | null = null;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxAccounts = options.maxAccounts ?? 10_000;
  }

  async clockOffset(): Promise<number> {
    return this.offsetMs;
  }

  async openRequest(opening: RequestOpening): Promise<OpenedRequest> {
    const nowMs = Math.max(opening.floorMs, opening.sourceMs + this.offsetMs);
    return {
      offsetMs: this.offsetMs,
      nowMs,
      admission: opening.admit === null ? null : await this.admit(opening.admit.key, nowMs, opening.admit.limits),
      job: opening.jobId === null ? null : await this.getJob(opening.jobId),
    };
  }

  async advanceClock(ms: number): Promise<number> {
    this.offsetMs += ms;
    this.dirtyClock = true;
    return this.offsetMs;
  }

  async nextSequence(name: SequenceName): Promise<number> {
    const next = (this.sequences.get(name) ?? 0) + 1;
    this.sequences.set(name, next);
    return next;
  }

  async fingerprintSecret(proposed: string): Promise<string> {
    if (this.secret === null) {
      this.secret = proposed;
      if (this.tracking) this.dirtySecret = true;
    }
    return this.secret;
  }

  async admit(key: string, nowMs: number, limits: AdmitLimits): Promise<Admission> {
    const account = this.account(key, limits.startingCents);
    // A clock a little behind the window's start (another process's, or a request that read the clock
    // before one counted first) is in that window; only a clock a whole window back starts a new one.
    if (nowMs - account.windowStartMs >= limits.windowMs || account.windowStartMs - nowMs >= limits.windowMs) {
      account.windowStartMs = nowMs;
      account.windowCount = 0;
    }
    const seq = account.seq++;
    const limited = account.windowCount >= limits.rpm;
    if (!limited) account.windowCount += 1;
    return {
      seq,
      windowStartMs: account.windowStartMs,
      windowCount: account.windowCount,
      limited,
      faultsArmed: this.faultMap.has(key),
      refundsPending: (this.pendingRefunds.get(key)?.size ?? 0) > 0,
    };
  }

  async wallet(key: string, startingCents: number): Promise<WalletRecord> {
    return walletOf(this.account(key, startingCents));
  }

  async setBalance(key: string, balanceCents: number, startingCents: number): Promise<WalletRecord> {
    const account = this.account(key, startingCents);
    account.balanceCents = balanceCents;
    this.markAccount(key);
    return walletOf(account);
  }

  async credit(key: string, cents: number, startingCents: number): Promise<WalletRecord> {
    return walletOf(this.creditAccount(key, cents, startingCents));
  }

  async createJob(job: JobRecord, limits: JobLimits): Promise<CreateJobResult> {
    if (this.jobMap.has(job.id)) return { ok: false, reason: 'taken' };
    // Its request's admission marked the key used moments before: only a new account is marked.
    const account = this.accounts.get(job.key) ?? this.account(job.key, limits.startingCents);
    if (account.balanceCents < job.costCents) return { ok: false, reason: 'funds', wallet: walletOf(account) };
    const evicted: JobRecord[] = [];
    for (let old = this.oldestJob(); old !== undefined; old = this.oldestJob()) {
      const expired = old.createdMs + limits.ttlMs <= limits.nowMs;
      if (!expired && this.jobMap.size < limits.maxJobs) break;
      this.removeJob(old.id);
      evicted.push(old);
    }
    account.balanceCents -= job.costCents;
    account.spentCents += job.costCents;
    this.markAccount(job.key);
    const wallet = walletOf(account);
    this.putJob(copyJob(job));
    for (const old of evicted) if (refundedOnEviction(old, limits.nowMs)) this.creditAccount(old.key, old.costCents, limits.startingCents);
    return { ok: true, wallet, evicted: evicted.map((old) => old.id) };
  }

  async getJob(id: string): Promise<JobRecord | null> {
    const job = this.jobMap.get(id);
    return job === undefined ? null : copyJob(job);
  }

  async recordPoll(id: string, nowMs: number, step: boolean, minIntervalMs: number | null = null): Promise<PollRecord | null> {
    const job = this.jobMap.get(id);
    if (job === undefined) return null;
    const previousPollMs = job.lastPollMs;
    if (minIntervalMs !== null && previousPollMs !== null && nowMs - previousPollMs < minIntervalMs) {
      return { job: copyJob(job), previousPollMs, throttled: true };
    }
    job.lastPollMs = nowMs;
    if (step) {
      job.polls += 1;
      // The time of the last poll only matters while the process runs: not worth a record of its own.
      this.markJob(id);
    }
    return { job: copyJob(job), previousPollMs, throttled: false };
  }

  async cancelJob(id: string, nowMs: number): Promise<{ job: JobRecord; cancelled: boolean } | null> {
    const job = this.jobMap.get(id);
    if (job === undefined) return null;
    if (job.cancelledMs !== null || hasEnded(job, nowMs)) return { job: copyJob(job), cancelled: false };
    job.cancelledMs = nowMs;
    this.indexJob(job);
    this.markJob(id);
    return { job: copyJob(job), cancelled: true };
  }

  async patchJob(id: string, patch: JobPatch): Promise<JobRecord | null> {
    const job = this.jobMap.get(id);
    if (job === undefined) return null;
    Object.assign(job, patch);
    this.markJob(id);
    return copyJob(job);
  }

  async refundJob(id: string, startingCents: number): Promise<WalletRecord | null> {
    const job = this.jobMap.get(id);
    if (job === undefined || job.refunded) return null;
    job.refunded = true;
    this.pendingRefunds.get(job.key)?.delete(id);
    this.markJob(id);
    const account = this.account(job.key, startingCents);
    account.balanceCents += job.costCents;
    account.refundedCents += job.costCents;
    this.markAccount(job.key);
    return walletOf(account);
  }

  async claimWebhook(id: string): Promise<boolean> {
    const job = this.jobMap.get(id);
    this.pendingWebhooks.delete(id);
    if (job === undefined || job.webhook === null || job.webhook.done) return false;
    job.webhook.done = true;
    this.markJob(id);
    return true;
  }

  awaitsWebhooks(): boolean {
    return this.pendingWebhooks.size > 0;
  }

  async jobs(query: JobQuery = {}): Promise<JobRecord[]> {
    let ids: Iterable<string>;
    if (query.pendingRefund === true) ids = query.key === undefined || query.key === null ? [...this.pendingRefunds.values()].flatMap((s) => [...s]) : (this.pendingRefunds.get(query.key) ?? []);
    else if (query.pendingWebhook === true) ids = this.pendingWebhooks;
    else ids = this.jobMap.keys();
    const found: JobRecord[] = [];
    for (const id of ids) {
      const job = this.jobMap.get(id);
      if (job === undefined) continue;
      if (query.key !== undefined && query.key !== null && job.key !== query.key) continue;
      found.push(job);
    }
    const limited = query.limit === undefined ? found : found.slice(-query.limit);
    return limited.map(copyJob);
  }

  async armFault(key: string, fault: Fault, maxPerKey: number): Promise<Fault | null> {
    let list = this.faultMap.get(key);
    if (list === undefined) {
      // Bounded like the wallets: faults of at most maxAccounts keys, the least recently armed dropped.
      while (this.faultMap.size >= this.maxAccounts) {
        const oldest = this.faultMap.keys().next().value;
        if (oldest === undefined) break;
        this.faultMap.delete(oldest);
      }
      this.faultMap.set(key, (list = []));
    }
    if (list.length >= maxPerKey) return null;
    list.push({ ...fault });
    return { ...fault };
  }

  async takeFault(key: string, operationId: string): Promise<Fault | null> {
    if (this.faultMap.size === 0) return null;
    const list = this.faultMap.get(key);
    if (list === undefined) return null;
    const index = list.findIndex((f) => f.operation === operationId || f.operation === '*');
    if (index < 0) return null;
    const fault = list[index] as Fault;
    const taken = { ...fault };
    fault.remaining -= 1;
    if (fault.remaining <= 0) list.splice(index, 1);
    if (list.length === 0) this.faultMap.delete(key);
    return taken;
  }

  async faults(key: string): Promise<Fault[]> {
    return (this.faultMap.get(key) ?? []).map((f) => ({ ...f }));
  }

  async clearFaults(key: string): Promise<void> {
    this.faultMap.delete(key);
  }

  async keys(query: KeyQuery = {}): Promise<{ total: number; keys: KeyRecord[] }> {
    const record = (key: string): KeyRecord => {
      const account = this.accounts.get(key);
      return {
        key,
        wallet: account === undefined ? null : walletOf(account),
        windowStartMs: account?.windowStartMs ?? 0,
        windowCount: account?.windowCount ?? 0,
        faults: (this.faultMap.get(key) ?? []).map((f) => ({ ...f })),
      };
    };
    if (query.key !== undefined) {
      const held = this.accounts.has(query.key) || this.faultMap.has(query.key);
      return held ? { total: 1, keys: [record(query.key)] } : { total: 0, keys: [] };
    }
    // Both maps keep the least recently used first: newest first is their reverse, wallets before
    // keys known only by their faults.
    const names = [...this.accounts.keys()].reverse();
    for (const key of [...this.faultMap.keys()].reverse()) if (!this.accounts.has(key)) names.push(key);
    const offset = query.offset ?? 0;
    const page = names.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    return { total: names.length, keys: page.map(record) };
  }

  async appendJournal(entry: Omit<JournalEntry, 'seq'>, limit: number): Promise<JournalEntry> {
    const numbered: JournalEntry = { seq: ++this.journalSeq, ...entry };
    if (limit <= 0) return numbered;
    this.entries.push(numbered);
    // shift(), not splice(0, n): V8 trims the array's start in place for shift, while splice copies
    // the whole journal on every request (a fifth of a create, in a CPU profile).
    while (this.entries.length > limit) this.entries.shift();
    return numbered;
  }

  async journal(query: JournalQuery = {}): Promise<JournalEntry[]> {
    const { key = null, afterSeq = 0, limit } = query;
    // Entries are in seq order: start at the first one after afterSeq (an event stream asks every
    // few hundred milliseconds for the newest few of a long journal).
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.entries[middle] as JournalEntry).seq <= afterSeq) low = middle + 1;
      else high = middle;
    }
    const found = key === null ? this.entries.slice(low) : this.entries.slice(low).filter((e) => e.key === key);
    return limit === undefined ? found : found.slice(-limit);
  }

  async clearJournal(key: string | null): Promise<void> {
    this.entries = key === null ? [] : this.entries.filter((e) => e.key !== key);
  }

  async reset(key: string | null): Promise<number> {
    if (key === null) {
      const removed = this.jobMap.size;
      this.clearJobs();
      this.accounts.clear();
      this.pendingRefunds.clear();
      this.pendingWebhooks.clear();
      this.faultMap.clear();
      this.entries = [];
      this.dirtyJobs.clear();
      this.dirtyAccounts.clear();
      if (this.tracking) this.dirtyReset = true;
      return removed;
    }
    let removed = 0;
    for (const [id, job] of this.jobMap) {
      if (job.key !== key) continue;
      this.removeJob(id);
      removed++;
    }
    this.accounts.delete(key);
    this.faultMap.delete(key);
    this.markAccount(key);
    this.entries = this.entries.filter((e) => e.key !== key);
    return removed;
  }

  async counts(): Promise<{ jobs: number; keys: number }> {
    return { jobs: this.jobMap.size, keys: this.accounts.size };
  }

  async commit(): Promise<void> {
    this.onCommit?.();
  }

  async close(): Promise<void> {
    this.onCommit = null;
  }

  // What a state file needs (docs/decisions/006).

  /** Jobs plus wallets held now (to decide when a log is worth compacting). */
  recordCount(): number {
    return this.jobMap.size + this.accounts.size;
  }

  /** Starts or stops recording changes for `drainChanges`. */
  trackChanges(on: boolean): void {
    this.tracking = on;
    if (!on) this.clearDirty();
  }

  /** Takes what changed since the last call, as records a log can append. */
  drainChanges(): Change[] {
    const changes: Change[] = [];
    if (this.dirtyReset) changes.push({ t: 'reset' });
    if (this.dirtySecret && this.secret !== null) changes.push({ t: 'keys', secret: this.secret });
    if (this.dirtyClock) changes.push({ t: 'clock', offsetMs: this.offsetMs });
    for (const id of this.dirtyJobs) {
      const job = this.jobMap.get(id);
      changes.push(job === undefined ? { t: 'job-', id } : { t: 'job', job: storedJob(job) });
    }
    for (const key of this.dirtyAccounts) {
      const account = this.accounts.get(key);
      changes.push(account === undefined ? { t: 'account-', key } : { t: 'account', account: storedAccount(account) });
    }
    this.clearDirty();
    return changes;
  }

  /** Every record, as changes that rebuild the store from empty (to compact a log). */
  snapshot(): Change[] {
    return [
      { t: 'reset' },
      ...(this.secret === null ? [] : [{ t: 'keys', secret: this.secret } as const]),
      { t: 'clock', offsetMs: this.offsetMs },
      ...[...this.jobMap.values()].map((job): Change => ({ t: 'job', job: storedJob(job) })),
      ...[...this.accounts.values()].map((a): Change => ({ t: 'account', account: storedAccount(a) })),
    ];
  }

  /** Replays recorded changes (after a restart); records nothing. */
  restore(changes: Iterable<Change>): void {
    for (const change of changes) this.apply(change);
    this.clearDirty();
  }

  private apply(change: Change): void {
    switch (change.t) {
      case 'reset':
        this.clearJobs();
        this.accounts.clear();
        this.pendingRefunds.clear();
        this.pendingWebhooks.clear();
        return;
      case 'keys':
        this.secret = change.secret;
        return;
      case 'clock':
        this.offsetMs = Math.max(0, change.offsetMs);
        return;
      case 'job':
        this.removeJob(change.job.id);
        // Records written before lastPollMs and cancelledMs existed lack them.
        this.putJob({ ...copyJob(change.job), lastPollMs: change.job.lastPollMs ?? null, cancelledMs: change.job.cancelledMs ?? null });
        return;
      case 'job-':
        this.removeJob(change.id);
        return;
      case 'account': {
        const { key, balanceCents, spentCents, refundedCents, seq } = change.account;
        this.accounts.delete(key);
        this.accounts.set(key, { key, balanceCents, spentCents, refundedCents, seq, windowStartMs: 0, windowCount: 0 });
        return;
      }
      case 'account-':
        this.accounts.delete(change.key);
        return;
    }
  }

  /** The key's account, created on first use; marks it most recently used. */
  private account(key: string, startingCents: number): Account {
    let account = this.accounts.get(key);
    if (account !== undefined) {
      // Move it to the end (most recently used). With one key it is there already, and delete+set
      // would only leave a hole in the Map for the next rehash (the bench's single-key load).
      if (this.accounts.size > 1) {
        this.accounts.delete(key);
        this.accounts.set(key, account);
      }
      return account;
    }
    account = { key, balanceCents: startingCents, spentCents: 0, refundedCents: 0, seq: 0, windowStartMs: 0, windowCount: 0 };
    while (this.accounts.size >= this.maxAccounts) {
      const oldest = this.accounts.keys().next().value;
      if (oldest === undefined) break;
      this.accounts.delete(oldest);
      this.markAccount(oldest);
    }
    this.accounts.set(key, account);
    this.markAccount(key);
    return account;
  }

  private creditAccount(key: string, cents: number, startingCents: number): Account {
    const account = this.account(key, startingCents);
    account.balanceCents += cents;
    account.refundedCents += cents;
    this.markAccount(key);
    return account;
  }

  /** The oldest job held, past the stale records at the front of the queue. */
  private oldestJob(): JobRecord | undefined {
    const order = this.creationOrder;
    while (this.oldestAt < order.length) {
      const job = order[this.oldestAt] as JobRecord;
      if (this.jobMap.get(job.id) === job) return job;
      this.oldestAt++;
    }
    return undefined;
  }

  private clearJobs(): void {
    this.jobMap.clear();
    this.creationOrder = [];
    this.oldestAt = 0;
  }

  private putJob(job: JobRecord): void {
    this.jobMap.set(job.id, job);
    this.creationOrder.push(job);
    // Stale records (evicted, or removed by a reset of their key) go once they are most of the queue.
    if (this.creationOrder.length > 2 * this.jobMap.size + 1024) {
      this.creationOrder = this.creationOrder.filter((held) => this.jobMap.get(held.id) === held);
      this.oldestAt = 0;
    }
    this.indexJob(job);
    if (job.webhook !== null && !job.webhook.done) this.pendingWebhooks.add(job.id);
    this.markJob(job.id);
  }

  /** A job that will not be charged (meant to fail, or cancelled) awaits its refund. */
  private indexJob(job: JobRecord): void {
    if (!awaitsRefund(job)) return;
    let pending = this.pendingRefunds.get(job.key);
    if (pending === undefined) this.pendingRefunds.set(job.key, (pending = new Set()));
    pending.add(job.id);
  }

  private removeJob(id: string): void {
    const job = this.jobMap.get(id);
    if (job === undefined) return;
    this.jobMap.delete(id);
    const pending = this.pendingRefunds.get(job.key);
    pending?.delete(id);
    if (pending?.size === 0) this.pendingRefunds.delete(job.key);
    this.pendingWebhooks.delete(id);
    this.markJob(id);
  }

  private markJob(id: string): void {
    if (this.tracking) this.dirtyJobs.add(id);
  }

  private markAccount(key: string): void {
    if (this.tracking) this.dirtyAccounts.add(key);
  }

  private clearDirty(): void {
    // Set#clear allocates a fresh table even for an empty set: only clear what holds something.
    if (this.dirtyJobs.size > 0) this.dirtyJobs.clear();
    if (this.dirtyAccounts.size > 0) this.dirtyAccounts.clear();
    this.dirtyClock = false;
    this.dirtyReset = false;
    this.dirtySecret = false;
  }
}

export const createMemoryStore = (options: MemoryStoreOptions = {}): MemoryStore => new MemoryStore(options);
