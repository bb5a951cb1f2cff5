import type { SchemaAspectRatio, SchemaJobErrorCode, SchemaResolutionTier } from '../generated/api.js';
import type { components as AdminComponents } from '../generated/admin-api.js';

export type JournalEntry = AdminComponents['schemas']['JournalEntry'];
export type Fault = AdminComponents['schemas']['Fault'];
export type Timing = AdminComponents['schemas']['Timing'];

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
  timing: Timing;
  /** Realtime schedule, fixed at creation. */
  queuedMs: number;
  processingMs: number;
  /** Steps schedule: polls that see `processing`, polls seen so far, when the status last changed. */
  processingPolls: number;
  polls: number;
  stepUpdatedMs: number;
  /** When a poll last answered the job (the fast-poll rule measures from it), or null. */
  lastPollMs: number | null;
  /** When the job was cancelled (it reads `cancelled` from then on), or null. */
  cancelledMs: number | null;
  refunded: boolean;
  /** Where to deliver the end of the job, and whether that event was handed out. */
  webhook: { url: string; origin: string; done: boolean } | null;
}

export interface WalletRecord {
  key: string;
  balanceCents: number;
  spentCents: number;
  refundedCents: number;
}

/** What `admit` counted for one request of a key. */
export interface Admission {
  /** The key's decision number for this request: the coordinate of its random draws and ids. */
  seq: number;
  /** Start of the key's fixed one-minute window, and the requests counted in it (this one included when admitted). */
  windowStartMs: number;
  windowCount: number;
  /** Over the limit: this request was not counted. */
  limited: boolean;
  /** Hints that spare a shared store round trips on the hot path: the key has armed faults; jobs awaiting a refund. */
  faultsArmed: boolean;
  refundsPending: boolean;
}

export interface AdmitLimits {
  rpm: number;
  windowMs: number;
  /** A key seen for the first time gets a wallet with this much. */
  startingCents: number;
}

/** What an API request reads and counts first, in one operation of the store (`openRequest`). */
export interface RequestOpening {
  /** The time source's reading (unix ms) and the latest time this process handed out. */
  sourceMs: number;
  floorMs: number;
  /** The request's key, to admit (`admit`) at the request's time; null when it has none. */
  admit: { key: string; limits: AdmitLimits } | null;
  /** A job the request names (its path's id), read as `getJob` reads it; null when it names none. */
  jobId: string | null;
}

export interface OpenedRequest {
  /** The shared clock offset, and the request's time: the later of `floorMs` and `sourceMs` plus the offset. */
  offsetMs: number;
  nowMs: number;
  admission: Admission | null;
  /** The named job, or null (none named, or none by that id). */
  job: JobRecord | null;
}

export interface JobLimits {
  startingCents: number;
  /** At most this many jobs are kept (oldest evicted first). */
  maxJobs: number;
  /** A job is forgotten this long after its creation. */
  ttlMs: number;
  nowMs: number;
}

export type CreateJobResult =
  /** Kept: the key's wallet after the debit, and the ids of the jobs evicted to make room, oldest first. */
  | { ok: true; wallet: WalletRecord; evicted: string[] }
  /** The wallet cannot pay: nothing changed. */
  | { ok: false; reason: 'funds'; wallet: WalletRecord }
  /** The store holds a job by that id already: nothing changed (the core takes another id). */
  | { ok: false; reason: 'taken' };

export interface JobQuery {
  /** Only this key's jobs. */
  key?: string | null;
  /** Only jobs that will not be charged (meant to fail, or cancelled) whose cost has not been refunded yet. */
  pendingRefund?: boolean;
  /** Only jobs whose webhook event has not been handed out yet. */
  pendingWebhook?: boolean;
  /** The newest this many (default all), oldest first. */
  limit?: number;
}

export interface JournalQuery {
  key?: string | null;
  /** Entries after this sequence number. */
  afterSeq?: number;
  /** The newest this many, oldest first. */
  limit?: number;
}

/** A key the store holds: its wallet, its rate-limit window and its armed faults. */
export interface KeyRecord {
  key: string;
  /** Null for a key known only by the faults armed for it (it has made no request yet). */
  wallet: WalletRecord | null;
  /** The key's fixed window as `admit` last left it (0 and 0 before its first request). */
  windowStartMs: number;
  windowCount: number;
  /** Armed faults, in the order they fire. */
  faults: Fault[];
}

export interface KeyQuery {
  /** Only this key (none when the store does not hold it). */
  key?: string;
  /** Skip this many (default 0). */
  offset?: number;
  /** At most this many (default all). */
  limit?: number;
}

/**
 * Independent counters: `request` numbers the API's and the control API's requests, `webhook` the
 * delivery attempts (so that when a delivery happens never shifts the request ids a seed gives),
 * `fault` the armed faults.
 */
export type SequenceName = 'request' | 'webhook' | 'fault';

/**
 * A store that cannot be reached (a shared store's server gone): the simulation answers 503 with
 * Retry-After, in the API's envelope, until it is back.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** What `recordPoll` answers. */
export interface PollRecord {
  job: JobRecord;
  previousPollMs: number | null;
  /** The poll came sooner than `minIntervalMs` after the last answered one: nothing was counted. */
  throttled: boolean;
}

/** Mutable fields of a job that rules other than polling change. */
export type JobPatch = Partial<Pick<JobRecord, 'stepUpdatedMs'>>;

/**
 * Where the simulation's state lives: every change is one of these operations, each atomic on its
 * own (a store shared by several processes must make it so). The in-memory store is one; a Redis
 * store, beside the adapters, is another. The rules (lifecycle, prices, limits) stay in the core:
 * a store keeps records and counts, and decides nothing but what its atomicity needs.
 */
export interface Store {
  /** `memory`, `redis`, ...: shown by the control API's health. */
  readonly kind: string;

  /** Milliseconds added to the time source (moved by `advanceClock`, shared by every user of the store). */
  clockOffset(): Promise<number>;
  /**
   * The start of an API request as one step: reads the clock offset, admits the key at the time that
   * gives, and reads the job the request names; what `clockOffset`, `admit` and `getJob` in turn would
   * answer. A shared store makes it one round trip, where the three were three in a row.
   */
  openRequest(opening: RequestOpening): Promise<OpenedRequest>;
  /** Adds `ms` to the offset; answers the new offset. */
  advanceClock(ms: number): Promise<number>;
  /** A number never handed out before by this store (request ids, fault ids). */
  nextSequence(name: SequenceName): Promise<number>;

  /**
   * The secret that API keys are fingerprinted with (HMAC-SHA256, `src/sim/key-hash.ts`): what scopes
   * every account, so it is the store's, the same for every process sharing the store, and never
   * changes once set (`reset` keeps it, and a state file keeps it across restarts). The first call
   * keeps `proposed` (a fresh random secret) and answers it; every later call answers the kept one
   * and ignores `proposed`. Atomic: when two processes propose at once, both get the one that was
   * kept (a shared store sets it only if absent, Redis `SET <secret key> <proposed> NX`, then reads
   * it back with `GET`). Callers may cache the answer for the life of the store.
   */
  fingerprintSecret(proposed: string): Promise<string>;

  /**
   * One request of a key: creates its wallet on first use, counts the request in the key's fixed
   * window (unless over the limit) and takes the key's next decision number.
   */
  admit(key: string, nowMs: number, limits: AdmitLimits): Promise<Admission>;
  wallet(key: string, startingCents: number): Promise<WalletRecord>;
  setBalance(key: string, balanceCents: number, startingCents: number): Promise<WalletRecord>;

  /** Credits a key's wallet (the refund of a job that is gone). */
  credit(key: string, cents: number, startingCents: number): Promise<WalletRecord>;

  /**
   * Debits the job's cost from its key's wallet and keeps the job, both or neither: a wallet never
   * goes negative, and an id the store holds already is refused (`taken`), so the core's check for
   * a free id and the create are one step. Expired jobs, and the oldest beyond the bound, are
   * evicted, in the same step: after the debit, the cost of each one that had not completed goes
   * back to its key (`refundedOnEviction`, the lifecycle's rule; a store that cannot run it compares
   * `earnedFrom`, fixed at the job's creation), as `credit` would give it, marking each refunded key
   * used. The creating key is marked used only when its wallet is made here: a create is part of
   * its request, whose admission marked the key moments before.
   */
  createJob(job: JobRecord, limits: JobLimits): Promise<CreateJobResult>;
  getJob(id: string): Promise<JobRecord | null>;
  /**
   * Counts a poll: `lastPollMs` becomes `nowMs`, and `polls` grows by one when `step`. Answers the job
   * after, and the poll before. With `minIntervalMs` (the fast-poll rule), a poll sooner than that after
   * `lastPollMs` changes nothing and answers `throttled: true`; deciding and counting are one atomic step,
   * so of two simultaneous polls at most one is answered.
   */
  recordPoll(id: string, nowMs: number, step: boolean, minIntervalMs?: number | null): Promise<PollRecord | null>;
  /**
   * Cancels the job at `nowMs` unless it has ended by then (`hasEnded`: the lifecycle's own rule, a pure
   * function of the record and the time) or was cancelled already; answers the job after and whether this
   * call cancelled it. Atomic: a cancel and a poll that steps the job to its end, or two cancels, never both
   * win. A cancelled job is not refunded yet: it joins the jobs `pendingRefund` finds (the caller refunds it).
   */
  cancelJob(id: string, nowMs: number): Promise<{ job: JobRecord; cancelled: boolean } | null>;
  patchJob(id: string, patch: JobPatch): Promise<JobRecord | null>;
  /** Gives the job's cost back to its key, once: null when it was refunded already or is gone. */
  refundJob(id: string, startingCents: number): Promise<WalletRecord | null>;
  /** Marks the job's webhook event handed out, once: true for the one caller that got it. */
  claimWebhook(id: string): Promise<boolean>;
  /**
   * Whether some job may still await its webhook event, told at once, without a round trip (false
   * spares the dispatcher's look-up after a request). A store holding all the state in this process
   * knows; a shared store answers what this process saw (its last listing of the jobs awaiting one,
   * and its own creates since), and the jobs other processes create are found by the dispatcher's
   * timer. A store that cannot tell leaves it out: every request looks.
   */
  awaitsWebhooks?(): boolean;
  jobs(query?: JobQuery): Promise<JobRecord[]>;

  /** Arms a fault for a key, unless it holds `maxPerKey` already (then null). */
  armFault(key: string, fault: Fault, maxPerKey: number): Promise<Fault | null>;
  /** Uses up one firing of the key's first fault for this operation (or `*`); answers it as it was, or null. */
  takeFault(key: string, operationId: string): Promise<Fault | null>;
  faults(key: string): Promise<Fault[]>;
  clearFaults(key: string): Promise<void>;

  /**
   * The keys it holds (a wallet, armed faults or both), most recently used first, and how many
   * there are. A key's wallet is used by a request (`admit`), a wallet read or change (`wallet`,
   * `setBalance`, `credit`, a refund); a create marks only a key it makes a wallet for. A read: it
   * creates no wallet and changes no key's place in the order.
   */
  keys(query?: KeyQuery): Promise<{ total: number; keys: KeyRecord[] }>;

  /**
   * Appends an entry, numbering it; the journal keeps its newest `limit` entries. An answer does not
   * wait for its entry (docs/decisions/025-an-answer-does-not-wait-for-its-journal-entry.md): the
   * store takes the entry when called, keeps it in order ahead of every operation asked for later in
   * this process (`journal`, `clearJournal`, `reset` and `close` included), and reports a failure to
   * write it itself (the caller only keeps the rejection from going unhandled).
   */
  appendJournal(entry: Omit<JournalEntry, 'seq'>, limit: number): Promise<JournalEntry>;
  journal(query?: JournalQuery): Promise<JournalEntry[]>;
  clearJournal(key: string | null): Promise<void>;

  /** Forgets a key's jobs, wallet, faults and journal, or everyone's; answers the jobs removed. */
  reset(key: string | null): Promise<number>;
  /** How many jobs and keys it holds. */
  counts(): Promise<{ jobs: number; keys: number }>;

  /** The end of one unit of work (a request, a webhook hand-out): a store that persists writes it as one record. */
  commit(): Promise<void>;
  close(): Promise<void>;
}
