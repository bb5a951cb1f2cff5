import { createBudget, freeBudget, type Budget } from './budget.js';
import { toDialect, type Dialect } from '../contract/dialects.js';
import type { Exchange } from './exchange.js';

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Where the suite sends its traffic: the mocks, Prism, the live gateway, any URL. */
export interface Target {
  name: string;
  /** The API's base URL, ending in `/v1` (`http://127.0.0.1:4010/v1`). */
  baseUrl: string;
  /** Scheme, host and port of `baseUrl`. */
  origin: string;
  /** Where `/__mock/*` is asked: the origin, or the mock behind a proxy (`--via-prism`). */
  controlOrigin: string;
  apiKey: string;
  fetch: FetchFunction;
  /** `GET <origin>/__mock/health` answered 200 with `mock: 'aigw-video-kit'`. */
  isMock: boolean;
  /** Null when the target keeps jobs; otherwise why the stateful checks cannot run (Prism's static mock). */
  statelessReason: string | null;
  /** The target answers `Prefer: code=NNN` (the mock and Prism do; the gateway does not). */
  honoursPrefer: boolean;
  /** The target tells a well-formed key from a valid one (Prism's mock only checks that one is sent). */
  checksKeyValue: boolean;
  /** Jobs cost nothing here (a mock), so creating properties keep their full runs. */
  costFree: boolean;
  /** Null when malformed bodies (broken JSON, a text/plain body) are sent; otherwise why not (Prism answers them in its own format). */
  noMalformedBodiesReason: string | null;
  budget: Budget;
  /** Polling a live job waits in real time, at most this long per job. */
  pollBudgetMs: number;
  /** Waits (live polling); tests of the url target pass a virtual one. */
  sleep: (ms: number) => Promise<void>;
  /** The key a check uses: on a mock each check gets its own (`<key>-<scope>`) so wallets, faults and limits never mix. */
  keyFor(scope: string): string;
  /** Sees every exchange (the Prism proxy's `sl-violations` are counted this way). */
  observe?: (exchange: Exchange) => void;
  /**
   * The dialect the target promises (a mock tells its own in `/__mock/health`; `verify --dialect`
   * names one): every answer is judged against it. Null: each answer is judged in the dialect it
   * shows, and `speaks_one_dialect` checks that they all agree (the live gateway, whose dialect is
   * what the run finds out).
   */
  dialect: Dialect | null;
}

export interface TargetOptions {
  name?: string;
  baseUrl: string;
  apiKey: string;
  fetch?: FetchFunction;
  /** Where the mock's control API answers when `baseUrl` is a proxy in front of it. */
  controlOrigin?: string;
  /** Skip the health probe and say what the target is. */
  isMock?: boolean;
  statelessReason?: string | null;
  honoursPrefer?: boolean;
  checksKeyValue?: boolean;
  /** Jobs cost nothing here (default: only when the target is the mock). */
  costFree?: boolean;
  noMalformedBodiesReason?: string | null;
  /** Max spend in dollars on a target that charges (default 0.50). */
  maxSpendUsd?: number;
  pollBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  observe?: (exchange: Exchange) => void;
  /** Judge every answer in this dialect (default: the one a mock declares, else each answer's own); null to detect even on a mock. */
  dialect?: string | Dialect | null;
}

export const DEFAULT_MAX_SPEND_USD = 0.5;
export const DEFAULT_POLL_BUDGET_MS = 10 * 60 * 1000;

const realSleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** The base URL without a trailing slash; `/v1` is added when the URL names no path. */
export function normalizeBaseUrl(raw: string): string {
  const url = new URL(raw);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? '/v1' : path}`;
}

/** What `GET <origin>/__mock/health` says of an aigw-video-kit mock, or null where none answers. */
async function readHealth(origin: string, fetchFn: FetchFunction): Promise<{ dialect?: { name?: unknown; choices?: unknown } } | null> {
  try {
    const response = await fetchFn(`${origin}/__mock/health`, { signal: AbortSignal.timeout(5000) });
    if (response.status !== 200) return null;
    const body = (await response.json()) as { mock?: unknown; dialect?: { name?: unknown; choices?: unknown } };
    return body.mock === 'aigw-video-kit' ? body : null;
  } catch {
    return null;
  }
}

/** Asks `GET <origin>/__mock/health` (without the API key): only the aigw-video-kit mock answers it. */
export async function detectMock(origin: string, fetchFn: FetchFunction = fetch): Promise<boolean> {
  return (await readHealth(origin, fetchFn)) !== null;
}

/** The dialect a mock's health declares (older mocks declare none: the spec's own). */
function declaredDialect(health: { dialect?: { name?: unknown; choices?: unknown } }): Dialect {
  const { name, choices } = health.dialect ?? {};
  return typeof name === 'string' ? toDialect(typeof choices === 'object' && choices !== null ? { name, choices: choices as Dialect['choices'] } : name) : toDialect('union');
}

/**
 * The `url` target: any base URL and key. The live gateway, a mock deployed elsewhere and the
 * express mock in the tests all go through here, so the live path is the tested path.
 */
export async function createUrlTarget(options: TargetOptions): Promise<Target> {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const origin = new URL(baseUrl).origin;
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const controlOrigin = options.controlOrigin ?? origin;
  const health = options.isMock === false ? null : await readHealth(controlOrigin, fetchFn);
  const isMock = options.isMock ?? health !== null;
  const dialect =
    options.dialect === null ? null : options.dialect !== undefined ? toDialect(options.dialect) : health !== null ? declaredDialect(health) : null;
  const costFree = options.costFree ?? isMock;
  const budget = costFree ? freeBudget() : createBudget(Math.round((options.maxSpendUsd ?? DEFAULT_MAX_SPEND_USD) * 100));
  const target: Target = {
    name: options.name ?? 'url',
    baseUrl,
    origin,
    controlOrigin,
    apiKey: options.apiKey,
    fetch: fetchFn,
    isMock,
    statelessReason: options.statelessReason ?? null,
    honoursPrefer: options.honoursPrefer ?? isMock,
    checksKeyValue: options.checksKeyValue ?? true,
    costFree,
    noMalformedBodiesReason: options.noMalformedBodiesReason ?? null,
    budget,
    pollBudgetMs: options.pollBudgetMs ?? DEFAULT_POLL_BUDGET_MS,
    sleep: options.sleep ?? realSleep,
    keyFor: (scope) => (isMock ? `${options.apiKey}-${scope.replace(/[^A-Za-z0-9_-]/g, '-')}` : options.apiKey),
    dialect,
  };
  if (options.observe !== undefined) target.observe = options.observe;
  return target;
}
