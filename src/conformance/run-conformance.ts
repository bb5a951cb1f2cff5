import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { SchemaJob } from '../generated/api.js';
import { jobView } from '../sim/job-view.js';
import { failureOf } from '../client/job-fields.js';
import { defaultDialect, toDialect, type Dialect } from '../contract/dialects.js';
import { videoFor } from '../sim/media.js';
import { frameSizeOf } from '../sim/resolution.js';
import { defaultAspectRatio, defaultDuration, defaultResolution } from '../sim/spec-values.js';
import type { JournalEntry } from '../sim/store.js';
import { judgeRules, type RuleResult } from './judge-scenario.js';
import { parseOutcome, type Outcome } from './outcome.js';
import { resolveAdapter } from './resolve-adapter.js';
import { runAdapter, type AdapterRun } from './run-adapter.js';
import { reportFaults, scenarioFaults, type FaultReport } from './scenario-faults.js';
import { mergeRuns } from './merge-runs.js';
import { loadScenarios, type Scenario } from './scenario.js';
import { conformanceVideoRequest, startScenarioMock, type ScenarioMock } from './start-scenario-mock.js';

export { conformanceVideoRequest } from './start-scenario-mock.js';

export interface ConformanceOptions {
  /** `reference`, `openai`, or a shell command that runs an adapter (`node my-adapter.js`). */
  adapter: string;
  /** Run only the scenarios with these names. */
  only?: readonly string[];
  /** The scenarios to run instead of fixtures/conformance/. */
  scenarios?: readonly Scenario[];
  /** Scenario runs side by side. Default 4 (the waits are mostly sleeping). */
  concurrency?: number;
  /** Runs of each scenario, each against a fresh mock; a rule that fails in some and not all is flaky. Default 1. */
  repeat?: number;
  /** Called as each scenario ends (all its runs), for progress output. */
  onScenario?: (result: ScenarioResult) => void;
  /** Environment the adapter inherits (default process.env); the AIGATEWAY_* inputs are set on top. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborting stops the running adapters and starts no more scenarios; the report has those that ran. */
  signal?: AbortSignal;
  /** The variant of the gateway every scenario's mock plays (`docs`, `docs,fast-poll=none`...). Default `union`. */
  dialect?: string | Dialect;
}

export interface ScenarioResult {
  name: string;
  /** The dialect the scenario's mock played. */
  dialect: string;
  title: string;
  description: string;
  /** The fault fired, every rule was judged and passed, and the runner did not fail (in every run). */
  passed: boolean;
  /** The scenario's wall time, mock start to judgment. */
  durationMs: number;
  /** Whether the scenario's fault fired; when it did not, no rule was judged. */
  fault: FaultReport;
  rules: RuleResult[];
  journal: JournalEntry[];
  /** When the adapter was started, on the mock's clock (the timeline's zero). */
  startedAt: number;
  outcome: Outcome | null;
  outcomeProblem: string | null;
  run: AdapterRun | null;
  /** The runner itself failed (the mock refused an arrangement, the adapter could not start). */
  error: string | null;
  /** With `repeat` > 1: how the runs went. The rest of the result is the first failed run, or the last. */
  repeats: RepeatSummary | null;
}

export interface RepeatSummary {
  runs: number;
  failedRuns: number;
  /** Runs in which the scenario's fault never fired. */
  unfiredRuns: number;
  /** Runs in which the runner failed. */
  erroredRuns: number;
  /** Each rule, with the number of runs in which it was judged and failed. */
  rules: Array<{ rule: string; failedRuns: number }>;
  /** The rules that failed in some runs and passed in others. */
  flaky: string[];
  durationMs: { min: number; median: number; max: number };
}

export interface ConformanceReport {
  adapter: string;
  command: string;
  /** Runs of each scenario. */
  repeat: number;
  /** The dialect every scenario's mock played. */
  dialect: string;
  passed: number;
  failed: number;
  durationMs: number;
  scenarios: ScenarioResult[];
}

const DEFAULT_TIMEOUT_MS = 20_000;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * What `$name.path` matchers compare with: the scenario key's fingerprint, the job as the mock
 * holds it (the simulation's own lookup: a poll through the API would be a request of its own), and
 * the video the mock serves for it.
 */
async function factsOf(mock: ScenarioMock, scenario: Scenario, journal: readonly JournalEntry[]): Promise<Record<string, unknown>> {
  const { server } = mock;
  const created = journal.find((e) => e.operation === 'createVideo' && e.status >= 200 && e.status < 300 && e.job_id !== null);
  const jobId = created?.job_id ?? scenario.adapter?.jobId ?? null;
  const record = jobId === null ? undefined : ((await server.simulation.job(jobId)) ?? undefined);
  const video = videoFor({
    duration: record?.duration ?? conformanceVideoRequest.duration ?? defaultDuration,
    ...frameSizeOf(
      record?.aspectRatio ?? conformanceVideoRequest.aspect_ratio ?? defaultAspectRatio,
      record?.resolution ?? conformanceVideoRequest.resolution ?? defaultResolution,
    ),
  });
  const job = record === undefined ? undefined : jobView(record, server.simulation.now(), mock.mediaOrigin, server.simulation.config.dialect);
  return {
    key: await server.simulation.fingerprint(mock.apiKey),
    // The job as the mock answers it, in the dialect it plays.
    job,
    // What a client can know of a failed job's error: its code (null where the dialect sends the message alone) and message.
    jobError: job === undefined || job['status'] !== 'failed' ? undefined : failureOf(job as unknown as SchemaJob),
    video: { sha256: sha256(video), size: video.byteLength },
  };
}

/** Runs one scenario against its own mock and judges it. */
export async function runScenario(
  scenario: Scenario,
  command: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
  signal?: AbortSignal,
  dialect: Dialect = defaultDialect,
): Promise<ScenarioResult> {
  const started = performance.now();
  const faults = scenarioFaults(scenario);
  const result: ScenarioResult = {
    name: scenario.name,
    dialect: dialect.name,
    title: scenario.title,
    description: scenario.description,
    passed: false,
    durationMs: 0,
    fault: { fired: faults.length === 0 ? null : false, faults: faults.map((f) => ({ says: f.says, fired: 0, detail: 'not known: the runner failed (see its error)' })) },
    rules: [],
    journal: [],
    startedAt: 0,
    outcome: null,
    outcomeProblem: null,
    run: null,
    error: null,
    repeats: null,
  };
  let mock: ScenarioMock | null = null;
  try {
    // The one place the run's dialect reaches a scenario: its mock plays it.
    mock = await startScenarioMock(scenario, dialect);
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(baseEnv)) if (value !== undefined && !name.startsWith('AIGATEWAY_')) env[name] = value;
    Object.assign(env, mock.inputs, {
      // Traffic stays on loopback whatever proxy the machine is set up with.
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    });
    result.startedAt = mock.server.simulation.now();
    const run = await runAdapter(command, env, scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal);
    result.run = run;
    const parsed = parseOutcome(run.stdout);
    result.outcome = parsed.outcome;
    result.outcomeProblem = parsed.problem;
    const journalResponse = await fetch(`${mock.server.origin}/__mock/journal`);
    result.journal = ((await journalResponse.json()) as { entries: JournalEntry[] }).entries;
    const facts = await factsOf(mock, scenario, result.journal);
    result.fault = reportFaults(faults, result.journal, facts['key'] as string);
    // A fault that never fired leaves nothing to judge: the rules would blame the client for a
    // retry it had no reason to make. The report says why the fault did not fire instead.
    const judged = result.fault.fired !== false;
    result.rules = judgeRules(scenario.rules, { journal: result.journal, outcome: result.outcome, outcomeProblem: result.outcomeProblem, run, facts }, judged);
    result.passed = judged && result.rules.every((r) => r.passed);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    result.passed = false;
  } finally {
    await mock?.close();
    result.durationMs = Math.round(performance.now() - started);
  }
  return result;
}

/** Runs every scenario (or `only` those), `repeat` times each, against the adapter and judges each run. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const started = performance.now();
  const command = resolveAdapter(options.adapter);
  const dialect = options.dialect === undefined ? defaultDialect : toDialect(options.dialect);
  let scenarios = options.scenarios ?? loadScenarios();
  if (options.only !== undefined && options.only.length > 0) {
    const known = new Set(scenarios.map((s) => s.name));
    const unknown = options.only.filter((name) => !known.has(name));
    if (unknown.length > 0) throw new Error(`no scenario named ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
    scenarios = scenarios.filter((s) => options.only?.includes(s.name));
  }
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const repeat = Math.max(1, Math.floor(options.repeat ?? 1));
  // One task per run, a scenario's runs one after another, so its result is ready as soon as they are.
  const tasks = scenarios.flatMap((scenario, index) => Array.from({ length: repeat }, () => ({ scenario, index })));
  const runs: ScenarioResult[][] = scenarios.map(() => []);
  const results: Array<ScenarioResult | undefined> = new Array<ScenarioResult | undefined>(scenarios.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length && options.signal?.aborted !== true) {
      const { scenario, index } = tasks[next++] as (typeof tasks)[number];
      const done = runs[index] as ScenarioResult[];
      done.push(await runScenario(scenario, command, options.env ?? process.env, options.signal, dialect));
      if (done.length === repeat) {
        const result = mergeRuns(done);
        results[index] = result;
        options.onScenario?.(result);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  // An interrupted run reports what finished, and a scenario cut short with the runs it had.
  const ran = results.map((r, i) => r ?? ((runs[i]?.length ?? 0) > 0 ? mergeRuns(runs[i] as ScenarioResult[]) : undefined)).filter((r): r is ScenarioResult => r !== undefined);
  const passed = ran.filter((r) => r.passed).length;
  return {
    adapter: options.adapter,
    command,
    repeat,
    dialect: dialect.name,
    passed,
    failed: ran.length - passed,
    durationMs: Math.round(performance.now() - started),
    scenarios: ran,
  };
}
