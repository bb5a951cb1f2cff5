import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startNodeHttpMockServer } from '../../mocks/node-http.js';
import type { SchemaVideoGenerationRequest } from '../generated/api.js';
import { keyFingerprint } from '../sim/accounts.js';
import { jobView } from '../sim/job-view.js';
import { videoFor } from '../sim/media.js';
import { frameSizeOf } from '../sim/resolution.js';
import { defaultAspectRatio, defaultDuration, defaultResolution } from '../sim/spec-values.js';
import type { JournalEntry } from '../sim/store.js';
import { judgeRules, type RuleResult } from './judge-scenario.js';
import { parseOutcome, type Outcome } from './outcome.js';
import { resolveAdapter } from './resolve-adapter.js';
import { runAdapter, type AdapterRun } from './run-adapter.js';
import { loadScenarios, type Arrangement, type Scenario } from './scenario.js';

/** The request every adapter sends (`AIGATEWAY_VIDEO_REQUEST`): a typical one, 4 s at $0.10 a second. */
export const conformanceVideoRequest: SchemaVideoGenerationRequest = {
  model: 'openai/sora-2-video-to-video-remix',
  prompt: 'A drone shot of a mountain lake at golden hour',
  duration: 4,
  aspect_ratio: '16:9',
};

export interface ConformanceOptions {
  /** `reference`, `openai`, or a shell command that runs an adapter (`node my-adapter.js`). */
  adapter: string;
  /** Run only the scenarios with these names. */
  only?: readonly string[];
  /** The scenarios to run instead of fixtures/conformance/. */
  scenarios?: readonly Scenario[];
  /** Scenarios run side by side. Default 4 (the waits are mostly sleeping). */
  concurrency?: number;
  /** Called as each scenario ends (for progress output). */
  onScenario?: (result: ScenarioResult) => void;
  /** Environment the adapter inherits (default process.env); the AIGATEWAY_* inputs are set on top. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborting stops the running adapters and starts no more scenarios; the report has those that ran. */
  signal?: AbortSignal;
}

export interface ScenarioResult {
  name: string;
  title: string;
  description: string;
  passed: boolean;
  /** The scenario's wall time, mock start to judgment. */
  durationMs: number;
  rules: RuleResult[];
  journal: JournalEntry[];
  /** When the adapter was started, on the mock's clock (the timeline's zero). */
  startedAt: number;
  outcome: Outcome | null;
  outcomeProblem: string | null;
  run: AdapterRun | null;
  /** The runner itself failed (the mock refused an arrangement, the adapter could not start). */
  error: string | null;
}

export interface ConformanceReport {
  adapter: string;
  command: string;
  passed: number;
  failed: number;
  durationMs: number;
  scenarios: ScenarioResult[];
}

const DEFAULT_TIMEOUT_MS = 20_000;

async function arrange(origin: string, apiKey: string, step: Arrangement): Promise<void> {
  const [method, path, body] = 'fault' in step ? ['POST', '/__mock/faults', step.fault] : ['PUT', '/__mock/wallet', step.wallet];
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`the mock refused ${method} ${path} ${JSON.stringify(body)}: HTTP ${response.status} ${await response.text()}`);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Runs one scenario against its own mock and judges it. */
export async function runScenario(
  scenario: Scenario,
  command: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
  signal?: AbortSignal,
): Promise<ScenarioResult> {
  const started = performance.now();
  const apiKey = `sk-aig-conformance-${scenario.name}`;
  const server = await startNodeHttpMockServer({ port: 0, host: '127.0.0.1', log: null, seed: 1, ...scenario.mock });
  const result: ScenarioResult = {
    name: scenario.name,
    title: scenario.title,
    description: scenario.description,
    passed: false,
    durationMs: 0,
    rules: [],
    journal: [],
    startedAt: server.simulation.now(),
    outcome: null,
    outcomeProblem: null,
    run: null,
    error: null,
  };
  try {
    for (const step of scenario.arrange ?? []) await arrange(server.origin, apiKey, step);
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(baseEnv)) if (value !== undefined && !name.startsWith('AIGATEWAY_')) env[name] = value;
    Object.assign(env, {
      AIGATEWAY_BASE_URL: server.url,
      AIGATEWAY_API_KEY: apiKey,
      AIGATEWAY_VIDEO_REQUEST: JSON.stringify(conformanceVideoRequest),
      // Traffic stays on loopback whatever proxy the machine is set up with.
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    });
    if (scenario.adapter?.jobId !== undefined) env['AIGATEWAY_JOB_ID'] = scenario.adapter.jobId;
    if (scenario.adapter?.waitTimeoutMs !== undefined) env['AIGATEWAY_WAIT_TIMEOUT_MS'] = String(scenario.adapter.waitTimeoutMs);
    result.startedAt = server.simulation.now();
    const run = await runAdapter(command, env, scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal);
    result.run = run;
    const parsed = parseOutcome(run.stdout);
    result.outcome = parsed.outcome;
    result.outcomeProblem = parsed.problem;
    const journalResponse = await fetch(`${server.origin}/__mock/journal`);
    result.journal = ((await journalResponse.json()) as { entries: JournalEntry[] }).entries;

    const created = result.journal.find((e) => e.operation === 'createVideo' && e.status >= 200 && e.status < 300 && e.job_id !== null);
    const jobId = created?.job_id ?? scenario.adapter?.jobId ?? null;
    const record = jobId === null ? undefined : ((await server.simulation.job(jobId)) ?? undefined);
    const video = videoFor({
      duration: record?.duration ?? conformanceVideoRequest.duration ?? defaultDuration,
      ...frameSizeOf(
        record?.aspectRatio ?? conformanceVideoRequest.aspect_ratio ?? defaultAspectRatio,
        record?.resolution ?? conformanceVideoRequest.resolution ?? defaultResolution,
      ),
    });
    const facts = {
      key: keyFingerprint(apiKey),
      job: record === undefined ? undefined : jobView(record, server.simulation.now(), server.origin),
      video: { sha256: sha256(video), size: video.byteLength },
    };
    result.rules = judgeRules(scenario.rules, { journal: result.journal, outcome: result.outcome, outcomeProblem: result.outcomeProblem, run, facts });
    result.passed = result.rules.every((r) => r.passed);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    result.passed = false;
  } finally {
    await server.close();
    result.durationMs = Math.round(performance.now() - started);
  }
  return result;
}

/** Runs every scenario (or `only` those) against the adapter and judges each. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const started = performance.now();
  const command = resolveAdapter(options.adapter);
  let scenarios = options.scenarios ?? loadScenarios();
  if (options.only !== undefined && options.only.length > 0) {
    const known = new Set(scenarios.map((s) => s.name));
    const unknown = options.only.filter((name) => !known.has(name));
    if (unknown.length > 0) throw new Error(`no scenario named ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
    scenarios = scenarios.filter((s) => options.only?.includes(s.name));
  }
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const results: Array<ScenarioResult | undefined> = new Array<ScenarioResult | undefined>(scenarios.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scenarios.length && options.signal?.aborted !== true) {
      const index = next++;
      const result = await runScenario(scenarios[index] as Scenario, command, options.env ?? process.env, options.signal);
      results[index] = result;
      options.onScenario?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, scenarios.length) }, worker));
  const ran = results.filter((r): r is ScenarioResult => r !== undefined);
  const passed = ran.filter((r) => r.passed).length;
  return {
    adapter: options.adapter,
    command,
    passed,
    failed: ran.length - passed,
    durationMs: Math.round(performance.now() - started),
    scenarios: ran,
  };
}
