import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { components as AdminComponents } from '../generated/admin-api.js';
import { resolveConfig, type SimulationOptions } from '../sim/config.js';

export type OperationName = 'createVideo' | 'getJob' | 'downloadJobMedia';

/** Which journal entries a check looks at; every field given must match. */
export interface Selector {
  operation?: OperationName | OperationName[];
  status?: number | number[];
  /** `true`: shaped by a fault (armed, prefer, rate limit, socket); `false`: a plain answer; a string: that fault. */
  fault?: boolean | string;
  /** `true`: the request carried credentials somewhere (the journal's `credentials`); `false`: none at all. */
  credentials?: boolean;
}

/** What a value in the outcome must be: a literal (equal), `$fact.path` (equal to a fact), or a test. */
export type Matcher =
  | string
  | number
  | boolean
  | null
  | { matches: string }
  | { oneOf: Array<string | number | boolean | null> }
  | { exists: boolean }
  | { atLeast: number }
  | { atMost: number };

export type Check =
  /** How many journal entries match. */
  | { count: Selector; min?: number; max?: number }
  /** After each entry matching `after`, the next entry matching `next` comes at least `minMs` later. */
  | { gap: { after: Selector; next: Selector; minMs: number; requireNext?: boolean } }
  /** Every matching entry (at least one) carries this request header, or the scenario's own key. */
  | { every: Selector; header?: string; sentKey?: boolean }
  /** Fields of the outcome JSON (dotted paths). */
  | { outcome: Record<string, Matcher> }
  /** `true`: the adapter exited by itself and printed an outcome; `false`: it had to be stopped. */
  | { finished: boolean }
  /** At least one of these checks holds. */
  | { anyOf: Check[] };

/** One thing a conforming client must do; `rule` names it across scenarios (docs/conformance.md lists them). */
export interface Rule {
  rule: string;
  says: string;
  checks: Check[];
}

export type FaultRequest = AdminComponents['schemas']['FaultRequest'];
export type WalletUpdate = AdminComponents['schemas']['WalletUpdate'];

/** Done through the mock's control API (`/__mock/*`) with the scenario's key, before the adapter starts. */
export type Arrangement = { fault: FaultRequest } | { wallet: WalletUpdate };

export type ScenarioMock = Pick<
  SimulationOptions,
  'timing' | 'steps' | 'realtime' | 'failureRate' | 'rpm' | 'apiKeys' | 'creditsCents' | 'seed'
>;

export interface Scenario {
  /** `./scenario.schema.json`, for editors. */
  $schema?: string;
  name: string;
  title: string;
  /** What a conforming client must do, in a sentence or two. */
  description: string;
  /** How the scenario's own mock is set up (see `SimulationOptions`). */
  mock?: ScenarioMock;
  arrange?: Arrangement[];
  /**
   * `separate`: `result.url` points at another origin than the API (`http://localhost:<port>` while
   * the API is `http://127.0.0.1:<port>`), as the gateway's media host (`media.aigateway.sh`) is.
   * Default `same`.
   */
  mediaHost?: 'same' | 'separate';
  /** Extra inputs of the adapter (`AIGATEWAY_JOB_ID`, `AIGATEWAY_WAIT_TIMEOUT_MS`). */
  adapter?: { jobId?: string; waitTimeoutMs?: number };
  /** The adapter is stopped after this long. Default 20 s. */
  timeoutMs?: number;
  rules: Rule[];
}

const checkKinds = ['count', 'gap', 'every', 'outcome', 'finished', 'anyOf'];

function assertCheck(check: unknown, where: string): void {
  if (typeof check !== 'object' || check === null) throw new Error(`${where}: a check must be an object`);
  const kinds = Object.keys(check).filter((k) => checkKinds.includes(k));
  if (kinds.length !== 1) throw new Error(`${where}: a check needs exactly one of ${checkKinds.join(', ')}`);
  if ('anyOf' in check) {
    const alternatives = (check as { anyOf: unknown }).anyOf;
    if (!Array.isArray(alternatives) || alternatives.length === 0) throw new Error(`${where}: anyOf needs a list of checks`);
    alternatives.forEach((c, i) => assertCheck(c, `${where}.anyOf[${i}]`));
  }
}

/** Checks the shape a scenario file must have; the message names the file and the field. */
export function parseScenario(value: unknown, source: string): Scenario {
  if (typeof value !== 'object' || value === null) throw new Error(`${source}: a scenario must be a JSON object`);
  const s = value as Partial<Scenario>;
  for (const field of ['name', 'title', 'description'] as const) {
    if (typeof s[field] !== 'string' || s[field] === '') throw new Error(`${source}: '${field}' must be a non-empty string`);
  }
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(s.name as string)) throw new Error(`${source}: 'name' must be kebab-case`);
  if (!Array.isArray(s.rules) || s.rules.length === 0) throw new Error(`${source}: 'rules' must be a non-empty list`);
  const seen = new Set<string>();
  s.rules.forEach((rule, i) => {
    const where = `${source}: rules[${i}]`;
    if (typeof rule.rule !== 'string' || typeof rule.says !== 'string') throw new Error(`${where}: needs 'rule' and 'says'`);
    // A rule is reported (and counted across repeated runs) by its name: one entry per name.
    if (seen.has(rule.rule)) throw new Error(`${where}: the rule '${rule.rule}' is already named above; put its checks together`);
    seen.add(rule.rule);
    if (!Array.isArray(rule.checks) || rule.checks.length === 0) throw new Error(`${where}: 'checks' must be a non-empty list`);
    rule.checks.forEach((c, j) => assertCheck(c, `${where}.checks[${j}]`));
  });
  const validate = scenarioValidator();
  if (!validate(value)) {
    const [first] = validate.errors ?? [];
    throw new Error(`${source}: ${first?.instancePath === '' ? '(the scenario)' : (first?.instancePath ?? '')} ${first?.message ?? 'is invalid'} (scenario.schema.json)`);
  }
  if (s.mock !== undefined) {
    // What the schema cannot say (a uniform's maxMs below its minMs, a sigma too wide) the mock's own
    // options check: said when the file is loaded, not when its scenario's mock starts.
    try {
      resolveConfig(s.mock);
    } catch (error) {
      throw new Error(`${source}: mock.${(error as Error).message}`);
    }
  }
  return s as Scenario;
}

let compiled: ValidateFunction | null = null;

/** fixtures/conformance/scenario.schema.json, compiled once. */
function scenarioValidator(): ValidateFunction {
  if (compiled === null) {
    const schema = JSON.parse(readFileSync(join(defaultScenarioDir(), 'scenario.schema.json'), 'utf8')) as object;
    compiled = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: false }).compile(schema);
  }
  return compiled;
}

/** Where the shipped scenarios live: `fixtures/conformance/` of this package (from src/ or dist/src/). */
export function defaultScenarioDir(): string {
  const here = new URL('.', import.meta.url);
  for (const up of ['../../fixtures/conformance/', '../../../fixtures/conformance/']) {
    const dir = new URL(up, here);
    try {
      readdirSync(dir);
      return dir.pathname;
    } catch {
      // try the next layout
    }
  }
  throw new Error('fixtures/conformance/ was not found beside this package');
}

/** Every `*.json` scenario of a directory, by name. */
export function loadScenarios(dir: string = defaultScenarioDir()): Scenario[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort();
  const scenarios = files.map((file) => {
    const path = join(dir, file);
    const scenario = parseScenario(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
    if (`${scenario.name}.json` !== file) throw new Error(`${path}: the file must be named after the scenario (${scenario.name}.json)`);
    return scenario;
  });
  return scenarios;
}
