import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatReport } from '../conformance/format-report.js';
import { junitReport } from '../conformance/junit-report.js';
import { runConformance, type ConformanceOptions } from '../conformance/run-conformance.js';
import { loadScenarios } from '../conformance/scenario.js';
import { numberFlag, UsageError, type CliIo } from './cli-io.js';
import { defaultDialect, DialectError, namedDialects, parseDialect, type Dialect } from '../contract/dialects.js';

export const CONFORMANCE_USAGE = `Usage: aigw-video conformance --adapter ADAPTER [options]

Runs the SDK conformance kit: every scenario of fixtures/conformance/ against its own mock, with the
adapter run once per scenario (env AIGATEWAY_BASE_URL, AIGATEWAY_API_KEY, ...; it prints one JSON
outcome line). Each scenario passes or fails on rules over the requests the mock saw and the outcome.
The adapter contract is in docs/conformance.md.

Options:
  --adapter ADAPTER        reference | openai | a shell command, e.g. "node my-adapter.js"
  --dialect DIALECT        the variant of the gateway the mocks play: a named dialect (union, model-page,
                           node-sdk, docs, published-spec), point overrides after it (docs,fast-poll=none),
                           or all (each named dialect in turn, reported per dialect); repeat for several.
                           Default union
  --only NAME              run only this scenario (repeat, or comma-separate, for several)
  --junit FILE             also write the results as JUnit XML
  --concurrency N          scenario runs side by side (default 4)
  --repeat N               run each scenario N times, each against a fresh mock, and report
                           the rules that failed in some runs and passed in others (flaky)
  --verbose                show every rule and timeline, passed ones too
  --list                   list the scenarios and exit
  -h, --help               this help

Exit code: 0 when every scenario passes, 1 when one fails, 2 for a usage error.
`;

export interface ConformanceCommand {
  options: ConformanceOptions;
  /** The dialects to run the kit in, one report each. */
  dialects: Dialect[];
  junit: string | null;
  verbose: boolean;
}

/** `--dialect` values: names with overrides, or `all` for every named dialect. */
function dialectsOf(values: readonly string[]): Dialect[] {
  if (values.length === 0) return [defaultDialect];
  const dialects: Dialect[] = [];
  for (const value of values) {
    if (value.trim() === 'all') dialects.push(...Object.values(namedDialects));
    else {
      try {
        dialects.push(parseDialect(value));
      } catch (error) {
        if (error instanceof DialectError) throw new UsageError(`--dialect ${value}: ${error.message} (or all)`);
        throw error;
      }
    }
  }
  return dialects.filter((d, i) => dialects.findIndex((e) => e.name === d.name) === i);
}

export function conformanceOptions(argv: string[]): ConformanceCommand | 'help' | 'list' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      adapter: { type: 'string' },
      dialect: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      junit: { type: 'string' },
      concurrency: { type: 'string' },
      repeat: { type: 'string' },
      verbose: { type: 'boolean' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  if (values.list === true) return 'list';
  if (values.adapter === undefined || values.adapter.trim() === '') {
    throw new UsageError('--adapter is required: reference, openai, or a command such as "node my-adapter.js".');
  }
  const options: ConformanceOptions = { adapter: values.adapter };
  const only = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (only.length > 0) {
    const known = loadScenarios().map((s) => s.name);
    const unknown = only.filter((name) => !known.includes(name));
    if (unknown.length > 0) throw new UsageError(`--only: no scenario named ${unknown.join(', ')}; known: ${known.join(', ')}.`);
    options.only = only;
  }
  const concurrency = numberFlag('concurrency', values.concurrency, { min: 1, max: 32, integer: true });
  if (concurrency !== undefined) options.concurrency = concurrency;
  const repeat = numberFlag('repeat', values.repeat, { min: 1, max: 1000, integer: true });
  if (repeat !== undefined) options.repeat = repeat;
  return { options, dialects: dialectsOf(values.dialect ?? []), junit: values.junit ?? null, verbose: values.verbose === true };
}

/**
 * `aigw-video conformance`: runs the kit, prints the report, writes JUnit; exit 0 only when all pass.
 * SIGINT/SIGTERM stop the running adapters and report what ran (exit 130).
 */
export async function runConformanceCommand(argv: string[], io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const command = conformanceOptions(argv);
  if (command === 'help') {
    io.out(CONFORMANCE_USAGE);
    return 0;
  }
  if (command === 'list') {
    for (const s of loadScenarios()) io.out(`${s.name.padEnd(30)} ${s.title}\n`);
    return 0;
  }
  const interrupt = new AbortController();
  const stop = (): void => interrupt.abort();
  signals.once('SIGINT', stop);
  signals.once('SIGTERM', stop);
  const reports = [];
  const several = command.dialects.length > 1;
  try {
    for (const dialect of command.dialects) {
      if (interrupt.signal.aborted) break;
      const report = await runConformance({
        ...command.options,
        dialect,
        env: { ...io.env },
        signal: interrupt.signal,
        onScenario: (result) => {
          const runs = result.repeats === null ? '' : ` (${result.repeats.runs - result.repeats.failedRuns} of ${result.repeats.runs} runs passed)`;
          io.err(`${result.passed ? 'pass' : 'FAIL'} ${several ? `${dialect.name}: ` : ''}${result.name}${runs}\n`);
        },
      });
      reports.push(report);
      io.out(formatReport(report, { verbose: command.verbose }));
    }
  } finally {
    signals.off('SIGINT', stop);
    signals.off('SIGTERM', stop);
  }
  if (several) {
    io.out(`\nPer dialect (adapter ${command.options.adapter}):\n`);
    for (const r of reports) io.out(`  ${r.failed === 0 ? 'PASS' : 'FAIL'}  ${r.dialect.padEnd(16)} ${r.passed} of ${r.passed + r.failed} scenarios passed\n`);
  }
  if (command.junit !== null) {
    writeFileSync(command.junit, junitReport(reports));
    io.out(`JUnit report written to ${command.junit}\n`);
  }
  if (interrupt.signal.aborted) {
    io.err('aigw-video conformance: interrupted; the report has the scenarios that ran.\n');
    return 130;
  }
  return reports.every((r) => r.failed === 0) ? 0 : 1;
}
