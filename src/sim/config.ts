import type { components as AdminComponents } from '../generated/admin-api.js';
import { defaultDialect, toDialect, type Dialect } from '../contract/dialects.js';
import { defaultModels, parseModelCatalog, type CatalogModel, type ModelCatalogInput } from '../contract/model-catalog.js';
import { jobTiming } from './job-timings.js';

export type Timing = AdminComponents['schemas']['Timing'];

/**
 * A duration in milliseconds, drawn from the seed each time it is needed: always `ms`; anywhere in
 * `minMs..maxMs`; or lognormal around `medianMs` (half the draws below it) with `sigma` the standard
 * deviation of its logarithm (0.25: most draws within about x/1.3..x1.3 of the median).
 */
export type Distribution =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'lognormal'; medianMs: number; sigma: number };

/** How long a request waits before it is answered (sampled per request, deterministically). */
export type LatencyProfile = { kind: 'none' } | Distribution;

/** A realtime duration: the same for every job (a number of ms), or drawn per job from a distribution. */
export type JobTiming = number | Distribution;

export interface SimulationOptions {
  /** Seeds every random decision (ids, failures, faults, latency). Default 1. */
  seed?: number;
  /** `realtime`: jobs move with the clock. `steps`: one status per poll. Default `realtime`. */
  timing?: Timing;
  /**
   * Realtime schedule: queued for `queuedMs`, then processing for `processingMsPerSecond` x duration.
   * Defaults 1000 and 400. A number holds for every job; a distribution is sampled once per job, at
   * its create, from the seed (docs/profile.md: the spread of a calibrated gateway). See `sampleJobTimings`
   * for how a draw is kept sane.
   */
  realtime?: { queuedMs?: JobTiming; processingMsPerSecond?: JobTiming };
  /** Steps schedule: how many polls see `processing` before the job ends. Default 1. */
  steps?: { processingPolls?: number };
  /** Starting credit of every key's wallet, in cents. Default 10000 ($100). */
  creditsCents?: number;
  /** Requests per minute per key. Default 600 (the gateway's pay-as-you-go tier). */
  rpm?: number;
  /** Fraction of jobs that end `failed`, decided by the seed. Default 0. */
  failureRate?: number;
  /** Fraction of API requests answered 500 or 503 by chance, decided by the seed. Default 0. */
  faultRate?: number;
  /** Latency of every operation, or per operationId (`*` for the rest). */
  latency?: LatencyProfile | Record<string, LatencyProfile>;
  /** When set, only these API keys are accepted (the default accepts any `sk-aig-...`). */
  apiKeys?: readonly string[] | null;
  /**
   * The video models and their prices, as `GET /v1/models` answers them (the spec's ModelList, or a
   * list of its Model), each with `pricing.per_second_usd`. Default: fixtures/models.json.
   */
  models?: ModelCatalogInput;
  /**
   * Which variant of the gateway the mock plays (x-dialects in the spec): a name such as `docs` or
   * `docs,fast-poll=none`, or a `Dialect`. Default `union`.
   */
  dialect?: string | Dialect;
  /** The store keeps at most this many jobs (oldest evicted first). Default 10000. */
  maxJobs?: number;
  /** A job is forgotten this long after it was created. Default 24 h (the gateway's signed-URL life). */
  jobTtlMs?: number;
  /** The journal keeps this many newest entries. Default 1000. */
  journalLimit?: number;
  /** Wallets, limiters and faults are kept for at most this many keys (least recent evicted). */
  maxAccounts?: number;
  /** Request bodies larger than this answer 413. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Retry-After (seconds) of a forced 429 or 503. Default 2. */
  retryAfterSeconds?: number;
  /**
   * The HMAC secret that key fingerprints (and so accounts) are derived from. Default: the store's
   * own, made at random on first use (a state file keeps it, so keys find their accounts after a
   * restart; a shared store gives every process the same). Give one only to compare fingerprints
   * across stores.
   */
  keySecret?: string | null;
  /** When set, `/__mock/*` needs it in `x-aigw-admin-token`. */
  adminToken?: string | null;
  /**
   * `/__mock/*` refuses what a browser sent from another site (`Origin` other than the request's
   * own, `Sec-Fetch-Site` other than same-origin or none). Default true; the MSW handlers turn it
   * off: they run inside the page or test that calls them, which no other site can reach.
   */
  controlSameOriginOnly?: boolean;
  /**
   * `/__mock/*` answers only loopback Host names and these (against DNS rebinding). Default null:
   * any Host. The HTTP servers set it when bound to loopback, or when given `allowedHosts`.
   */
  controlHosts?: readonly string[] | null;
  /** `/__mock/*` answers at all. Default true (adapters turn it off on public addresses without a token). */
  adminEnabled?: boolean;
  /** Origin used in `result.url` (default: the origin the request came to). */
  publicBaseUrl?: string | null;
  /** Armed faults kept per key at most. Default 100. */
  maxFaultsPerKey?: number;
}

export type SimConfig = Required<Omit<SimulationOptions, 'realtime' | 'steps' | 'latency' | 'models' | 'dialect'>> & {
  models: readonly CatalogModel[];
  dialect: Dialect;
  /** Each as a distribution (a number given becomes `fixed`). */
  realtime: { queuedMs: Distribution; processingMsPerSecond: Distribution };
  steps: { processingPolls: number };
  latency: Record<string, LatencyProfile>;
};

const fraction = (name: string, value: number): number => {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, not ${value}`);
  return value;
};
const positive = (name: string, value: number, min = 1): number => {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a number >= ${min}, not ${value}`);
  return value;
};

const nonEmpty = (name: string, value: string | null): string | null => {
  if (value !== null && (typeof value !== 'string' || value.length === 0)) {
    throw new RangeError(`${name} must be a non-empty string when given (an empty one would leave nothing to check)`);
  }
  return value;
};

export function resolveConfig(options: SimulationOptions = {}): SimConfig {
  const latency =
    options.latency === undefined
      ? { '*': { kind: 'none' } as LatencyProfile }
      : 'kind' in options.latency
        ? { '*': options.latency as LatencyProfile }
        : { '*': { kind: 'none' } as LatencyProfile, ...(options.latency as Record<string, LatencyProfile>) };
  return {
    seed: Math.trunc(options.seed ?? 1),
    timing: options.timing ?? 'realtime',
    realtime: {
      queuedMs: jobTiming('realtime.queuedMs', options.realtime?.queuedMs ?? 1000, 1),
      processingMsPerSecond: jobTiming('realtime.processingMsPerSecond', options.realtime?.processingMsPerSecond ?? 400, 0),
    },
    steps: { processingPolls: positive('steps.processingPolls', options.steps?.processingPolls ?? 1) },
    creditsCents: positive('creditsCents', options.creditsCents ?? 10_000, 0),
    rpm: positive('rpm', options.rpm ?? 600),
    failureRate: fraction('failureRate', options.failureRate ?? 0),
    faultRate: fraction('faultRate', options.faultRate ?? 0),
    latency,
    apiKeys: options.apiKeys ?? null,
    models: options.models === undefined ? defaultModels : parseModelCatalog(options.models, 'models'),
    dialect: options.dialect === undefined ? defaultDialect : toDialect(options.dialect),
    maxJobs: positive('maxJobs', options.maxJobs ?? 10_000),
    jobTtlMs: positive('jobTtlMs', options.jobTtlMs ?? 24 * 60 * 60 * 1000),
    journalLimit: positive('journalLimit', options.journalLimit ?? 1000, 0),
    maxAccounts: positive('maxAccounts', options.maxAccounts ?? 10_000),
    bodyLimitBytes: positive('bodyLimitBytes', options.bodyLimitBytes ?? 1024 * 1024),
    retryAfterSeconds: positive('retryAfterSeconds', options.retryAfterSeconds ?? 2),
    keySecret: nonEmpty('keySecret', options.keySecret ?? null),
    adminToken: nonEmpty('adminToken', options.adminToken ?? null),
    controlSameOriginOnly: options.controlSameOriginOnly ?? true,
    controlHosts: options.controlHosts ?? null,
    adminEnabled: options.adminEnabled ?? true,
    publicBaseUrl: options.publicBaseUrl ?? null,
    maxFaultsPerKey: positive('maxFaultsPerKey', options.maxFaultsPerKey ?? 100),
  };
}
