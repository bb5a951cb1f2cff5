import { settledWallet } from './accounts.js';
import { resolveConfig, type SimConfig, type SimulationOptions } from './config.js';
import { fingerprintOf, nowOf, syncedNow, type Core, type Persistence } from './core.js';

export type { Persistence } from './core.js';
import type { SimRequest, SimResponse } from './exchange.js';
import { handleRequest } from './handle-request.js';
import { createMemoryStore } from './memory-store.js';
import { errorAnswer } from './answers.js';
import { StoreUnavailableError, type JobQuery, type JobRecord, type JournalEntry, type JournalQuery, type Store, type WalletRecord } from './store.js';
import { journalWebhook, takeDueWebhooks, type DueWebhook, type WebhookAttempt } from './webhooks.js';

/**
 * The mock: the rules of the core over a store, with a time source. Adapters hand it requests and
 * write out its answers; tests and tools read its state through these methods and change it only
 * as the control API would.
 */
export interface Simulation {
  readonly config: SimConfig;
  /** `memory`, `redis`, ...: where the state lives. */
  readonly storeKind: string;
  /** Answers one request at the time source's current time. */
  handle(request: SimRequest): Promise<SimResponse>;
  /**
   * The name journals, wallets and jobs give an API key: `key_` + 128 bits of HMAC-SHA256 with the
   * store's secret (or `keySecret`). Never the key, and not computable without the secret.
   */
  fingerprint(apiKey: string): Promise<string>;
  /** The mock's clock (unix ms), with the offset last read from the store. */
  now(): number;
  /** Moves the clock forward for everyone sharing the store; realtime jobs progress as if that time had passed. */
  advance(ms: number): Promise<number>;
  /** Forgets every job, wallet, fault and journal entry (the clock keeps running). */
  reset(): Promise<void>;
  job(id: string): Promise<JobRecord | null>;
  jobs(query?: JobQuery): Promise<JobRecord[]>;
  journal(query?: JournalQuery): Promise<JournalEntry[]>;
  /** A key's wallet (by fingerprint), refunds due by now settled. */
  wallet(key: string): Promise<WalletRecord>;
  /** The webhook events due now, each handed out once. */
  takeDueWebhooks(): Promise<DueWebhook[]>;
  /** False when no webhook event can be due (the store tells at once that no job awaits one); true when some may. */
  webhooksMayBeDue(): boolean;
  /** Writes a webhook delivery attempt into the journal. */
  recordWebhookAttempt(attempt: WebhookAttempt): Promise<void>;
  /**
   * Reports whether the state is written down (`GET /__mock/health` shows it as `persistence`): an
   * adapter that persists the store (the state file) calls it at start and whenever that changes.
   * It changes no state.
   */
  setPersistence(persistence: Persistence): void;
  /** Releases the store. */
  close(): Promise<void>;
}

export interface SimulationSetup extends SimulationOptions {
  /** The time source (unix ms). Default `Date.now`; tests pass a virtual clock. */
  now?: () => number;
  /** Where the state lives. Default: a new in-memory store. */
  store?: Store;
}

/** Runs one unit of work and commits what it changed (a persisting store writes it as one record). */
async function unitOfWork<T>(core: Core, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await core.store.commit();
  }
}

export function createSimulation(setup: SimulationSetup = {}): Simulation {
  const { now: source = Date.now, store: given, ...options } = setup;
  const config = resolveConfig(options);
  const store = given ?? createMemoryStore({ maxAccounts: config.maxAccounts });
  const core: Core = {
    config,
    store,
    source,
    perfNow: () => performance.now(),
    offsetMs: 0,
    lastNowMs: 0,
    feeds: new Set(),
    keys: null,
    // A shared store keeps the state itself; a memory store keeps it only in this process, unless
    // an adapter writes it down and says so.
    persistence: { mode: store.kind === 'memory' ? 'memory' : 'store', ok: true, path: null, error: null, failed_writes: 0, records_recovered: 0, records_dropped: 0 },
  };
  return {
    config,
    storeKind: store.kind,
    async handle(request) {
      try {
        return await unitOfWork(core, () => handleRequest(core, request));
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        const response = errorAnswer(
          503,
          { message: `The mock's ${store.kind} store is unavailable (${error.message}); retry shortly.`, code: 'store_unavailable' },
          { 'retry-after': '1' },
        );
        response.headers['x-request-id'] = `req_unavailable_${Math.floor(core.perfNow() * 1000).toString(16)}`;
        return response;
      }
    },
    fingerprint: (apiKey) => fingerprintOf(core, apiKey),
    now: () => nowOf(core),
    async advance(ms) {
      if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`advance takes milliseconds >= 0, not ${ms}`);
      core.offsetMs = await unitOfWork(core, () => store.advanceClock(Math.floor(ms)));
      return nowOf(core);
    },
    async reset() {
      await unitOfWork(core, () => store.reset(null));
    },
    job: (id) => store.getJob(id),
    jobs: (query) => store.jobs(query),
    journal: (query) => store.journal(query),
    wallet: (key) => unitOfWork(core, async () => settledWallet(core, key, await syncedNow(core))),
    takeDueWebhooks: () => unitOfWork(core, async () => takeDueWebhooks(core, await syncedNow(core))),
    webhooksMayBeDue: () => store.awaitsWebhooks?.() ?? true,
    recordWebhookAttempt: (attempt) => unitOfWork(core, () => journalWebhook(core, attempt, nowOf(core))),
    setPersistence(persistence) {
      core.persistence = { ...persistence };
    },
    close: () => store.close(),
  };
}
