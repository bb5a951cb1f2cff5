import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startPrism, type RunningPrism } from '../prism/start-prism.js';
import {
  createUrlTarget,
  DEFAULT_MAX_SPEND_USD,
  DEFAULT_RUNS,
  detectMock,
  formatPlan,
  formatReport,
  jsonReport,
  junitXml,
  normalizeBaseUrl,
  planSuite,
  runSuite,
  suiteExitCode,
  type FetchFunction,
  type SuiteReport,
} from '../verify/index.js';
import { verifyHar } from '../verify/from-har.js';
import { readHarFile } from '../har/read-har-file.js';
import { createProxyViolationLog } from '../verify/prism-proxy.js';
import { asUsageError, numberFlag, UsageError, type CliIo } from './cli-io.js';
import { DialectError, parseDialect, type Dialect } from '../contract/dialects.js';

export const VERIFY_USAGE = `Usage: aigw-video verify --base-url URL [options]
       aigw-video verify --from-har FILE.har [--junit FILE] [--json FILE]

Runs the contract suite against any deployment of the AIgateway video API (the live gateway, a mock)
and reports each check passed, failed (with the counterexample and its seed) or skipped (and why),
then which variant of the disagreeing public sources the target follows.

Options:
  --base-url URL        the API's base URL, e.g. https://api.aigateway.sh/v1 (env AIGATEWAY_BASE_URL)
  --api-key KEY         the API key (env AIGATEWAY_API_KEY); never printed. A mock accepts any sk-aig-...
  --max-spend USD       the most the run may spend where jobs cost money (default ${DEFAULT_MAX_SPEND_USD.toFixed(2)});
                        enforced before each create
  --runs N              runs of each property (default ${DEFAULT_RUNS}; properties that create jobs run once where jobs cost money)
  --seed S              the fast-check seed (default random, printed): replays a run
  --junit FILE          also write a JUnit XML report
  --json FILE           also write a JSON report
  --dialect D|detect    judge every answer in this dialect (docs, docs,fast-poll=none, ...: docs/dialects.md);
                        detect judges each answer in the dialect it shows and checks that they agree.
                        Default: the dialect a mock declares in /__mock/health, else detect. The report
                        names the dialect the answers showed either way
  --via-prism           send the traffic through \`prism proxy\` with our spec and count its violations as failures
  --dry-run             print the plan and what it may cost; send no API request
  --from-har FILE       send nothing: run every check that needs no new request over a recording
                        (aigw-video record), and name the dialect it shows
  -h, --help            this help

Exit status: 0 when every check passed (skips allowed), 1 when one failed, 2 on a usage error,
3 when nothing could be judged because the key's wallet is empty (a valid create answered 402).
`;

export interface VerifyOptions {
  baseUrl: string;
  apiKey: string | null;
  maxSpendUsd: number;
  runs: number;
  seed: number | undefined;
  junit: string | undefined;
  json: string | undefined;
  viaPrism: boolean;
  dryRun: boolean;
  fromHar: string | undefined;
  /** The dialect answers are judged in; null: each answer's own; undefined: the mock's declared one, else each answer's own. */
  dialect: Dialect | null | undefined;
}

export function verifyOptions(argv: string[], env: CliIo['env']): VerifyOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'max-spend': { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'string' },
      'via-prism': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'from-har': { type: 'string' },
      dialect: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  if (values['from-har'] !== undefined) {
    // (A recording is judged in the dialect each answer shows; the report names the one it adds up to.)
    const live = (['base-url', 'api-key', 'max-spend', 'runs', 'seed', 'via-prism', 'dry-run', 'dialect'] as const).filter((flag) => values[flag] !== undefined);
    if (live.length > 0) throw new UsageError(`--from-har sends nothing, so --${live[0] ?? ''} does not apply.`);
    if (values['from-har'].trim() === '') throw new UsageError('--from-har needs a HAR file.');
    return { baseUrl: '', apiKey: null, maxSpendUsd: 0, runs: 0, seed: undefined, junit: values.junit, json: values.json, viaPrism: false, dryRun: false, fromHar: values['from-har'], dialect: undefined };
  }
  const rawBase = values['base-url'] ?? env['AIGATEWAY_BASE_URL'];
  if (rawBase === undefined || rawBase.trim() === '') throw new UsageError('--base-url (or AIGATEWAY_BASE_URL) is required: the API to verify, e.g. https://api.aigateway.sh/v1.');
  let baseUrl: string;
  try {
    baseUrl = normalizeBaseUrl(rawBase.trim());
  } catch {
    throw new UsageError(`--base-url must be an http(s) URL, not '${rawBase}'.`);
  }
  if (!/^https?:$/.test(new URL(baseUrl).protocol)) throw new UsageError(`--base-url must be an http(s) URL, not '${rawBase}'.`);
  const key = values['api-key'] ?? env['AIGATEWAY_API_KEY'];
  return {
    baseUrl,
    apiKey: key === undefined || key === '' ? null : key,
    maxSpendUsd: numberFlag('max-spend', values['max-spend'], { min: 0, max: 1000 }) ?? DEFAULT_MAX_SPEND_USD,
    runs: numberFlag('runs', values.runs, { min: 1, max: 100_000, integer: true }) ?? DEFAULT_RUNS,
    seed: numberFlag('seed', values.seed, { min: -0x80000000, max: 0x7fffffff, integer: true }),
    junit: values.junit,
    json: values.json,
    viaPrism: values['via-prism'] === true,
    dryRun: values['dry-run'] === true,
    fromHar: undefined,
    dialect: dialectOption(values.dialect),
  };
}

/** `--dialect`: a dialect to hold the target to, `detect` (null), or not given (undefined: the mock's own, else detect). */
function dialectOption(value: string | undefined): Dialect | null | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === 'detect') return null;
  try {
    return parseDialect(value);
  } catch (error) {
    if (error instanceof DialectError) throw new UsageError(`--dialect ${value}: ${error.message} (or detect)`);
    throw error;
  }
}

async function writeReports(report: SuiteReport, options: VerifyOptions, secrets: readonly string[]): Promise<void> {
  if (options.junit !== undefined) await writeFile(options.junit, junitXml(report, secrets));
  if (options.json !== undefined) await writeFile(options.json, jsonReport(report, secrets));
}

/** What tests replace: the network and waiting. */
export interface VerifyDependencies {
  fetch?: FetchFunction;
  sleep?: (ms: number) => Promise<void>;
}

/** A mock accepts any well-formed key; this one is used when none is given. */
const MOCK_KEY = 'sk-aig-verify';

/** `aigw-video verify`: runs the contract suite against a URL; resolves to the exit code. */
export async function runVerify(argv: string[], io: CliIo, deps: VerifyDependencies = {}): Promise<number> {
  const options = verifyOptions(argv, io.env);
  if (options === 'help') {
    io.out(VERIFY_USAGE);
    return 0;
  }
  if (options.fromHar !== undefined) {
    const report = verifyHar(await readHarFile(options.fromHar).catch(asUsageError), { source: options.fromHar });
    io.out(formatReport(report));
    await writeReports(report, options, []);
    return suiteExitCode(report);
  }
  const fetchFn: FetchFunction = deps.fetch ?? ((input, init) => fetch(input, init));
  const origin = new URL(options.baseUrl).origin;
  const isMock = await detectMock(origin, fetchFn);
  if (options.apiKey === null && !isMock && !options.dryRun) {
    throw new UsageError(`--api-key (or AIGATEWAY_API_KEY) is required: ${options.baseUrl} is not the aigw-video-kit mock (GET ${origin}/__mock/health did not answer).`);
  }
  const apiKey = options.apiKey ?? MOCK_KEY;
  const secrets = [apiKey];
  const common = {
    apiKey,
    fetch: fetchFn,
    isMock,
    maxSpendUsd: options.maxSpendUsd,
    ...(deps.sleep !== undefined ? { sleep: deps.sleep } : {}),
    ...(options.dialect !== undefined ? { dialect: options.dialect } : {}),
  };

  if (options.dryRun) {
    const target = await createUrlTarget({ ...common, name: 'url', baseUrl: options.baseUrl });
    io.out(formatPlan(planSuite(target, { runs: options.runs }), target));
    return 0;
  }

  let prism: RunningPrism | null = null;
  const proxyLog = options.viaPrism ? createProxyViolationLog() : null;
  try {
    let baseUrl = options.baseUrl;
    if (options.viaPrism) {
      prism = await startPrism({ mode: 'proxy', upstream: origin });
      baseUrl = `${prism.origin}${new URL(options.baseUrl).pathname}`;
      io.err(`aigw-video verify: sending the traffic through prism proxy at ${prism.origin} (upstream ${origin})\n`);
    }
    const target = await createUrlTarget({
      ...common,
      name: options.viaPrism ? 'url via prism proxy' : 'url',
      baseUrl,
      controlOrigin: origin,
      ...(proxyLog !== null ? { observe: (exchange) => proxyLog.observe(exchange) } : {}),
    });
    const report = await runSuite(target, {
      runs: options.runs,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      onResult: (result) => io.err(`  ${result.status.padEnd(7)} ${result.name}\n`),
    });
    if (proxyLog !== null) report.results.push(proxyLog.result(report.seed));
    io.out(formatReport(report, secrets));
    await writeReports(report, options, secrets);
    return suiteExitCode(report);
  } finally {
    await prism?.stop();
  }
}
