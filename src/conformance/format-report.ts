import { formatTimeline } from './format-timeline.js';
import type { ConformanceReport, ScenarioResult } from './run-conformance.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const outcomeLine = (result: ScenarioResult): string =>
  result.outcome !== null ? JSON.stringify(result.outcome) : `none (${result.outcomeProblem ?? 'the adapter did not run'})`;

/** `(2.1 s)`, or over repeated runs `(20 runs, 2.1 s median)` / `(failed 3 of 20 runs)`. */
function timing(result: ScenarioResult): string {
  const repeats = result.repeats;
  if (repeats === null) return `(${seconds(result.durationMs)})`;
  if (repeats.failedRuns === 0) return `(${repeats.runs} runs, ${seconds(repeats.durationMs.median)} median)`;
  return `(failed ${repeats.failedRuns} of ${repeats.runs} runs; the first failed run below)`;
}

/** Whether the scenario's fault fired, one line per fault: `fault: getJob answers 429 ..., once: fired once: #2 getJob 429`. */
export function faultLines(result: ScenarioResult, indent: string): string[] {
  if (result.fault.fired === null) return [`${indent}fault: none arranged`];
  return result.fault.faults.map((f) => `${indent}fault: ${f.says}: ${f.detail}`);
}

/** Over repeated runs: the rules that failed in some runs, and the runs whose fault did not fire. */
function repeatLines(result: ScenarioResult, indent: string): string[] {
  const repeats = result.repeats;
  if (repeats === null || repeats.failedRuns === 0) return [];
  const lines = repeats.rules
    .filter((r) => r.failedRuns > 0)
    .map((r) => `${indent}runs: rule ${r.rule} failed in ${r.failedRuns} of ${repeats.runs}${repeats.flaky.includes(r.rule) ? ' (flaky: it passed in the others)' : ''}`);
  if (repeats.unfiredRuns > 0) lines.push(`${indent}runs: the fault never fired in ${repeats.unfiredRuns} of ${repeats.runs}`);
  if (repeats.erroredRuns > 0) lines.push(`${indent}runs: the runner failed in ${repeats.erroredRuns} of ${repeats.runs}`);
  return lines;
}

/** One scenario: PASS/FAIL, each rule with the evidence for it, the fault, the timeline and the outcome. */
export function formatScenario(result: ScenarioResult, options: { verbose?: boolean } = {}): string {
  const verbose = options.verbose ?? false;
  const lines = [`${result.passed ? 'PASS' : 'FAIL'} ${result.name}: ${result.title} ${timing(result)}`];
  lines.push(...repeatLines(result, '     '));
  if (result.error !== null) lines.push(`     runner error: ${result.error}`);
  if (!result.passed || verbose) lines.push(...faultLines(result, '     '));
  if (result.fault.fired === false && result.error === null) lines.push('     the rules are not judged: they measure what the client does about a fault it never met');
  for (const rule of result.rules) {
    if (!rule.judged && !verbose) continue;
    if (rule.passed && !verbose) continue;
    const mark = !rule.judged ? '--  ' : rule.passed ? 'ok  ' : 'FAIL';
    lines.push(`     ${mark} rule ${rule.rule}: ${rule.says}${rule.judged ? '' : ' (not judged)'}`);
    for (const check of rule.checks) {
      if (check.ok && !verbose && !rule.passed) continue;
      lines.push(`            ${check.ok ? 'ok  ' : 'FAIL'} ${check.detail}`);
    }
  }
  if (!result.passed || verbose) {
    lines.push('     timeline (since the adapter started, gap since the previous request):');
    lines.push(...formatTimeline(result.journal, result.startedAt, '       '));
    lines.push(`     outcome: ${outcomeLine(result)}`);
    const run = result.run;
    if (run !== null && (run.exitCode !== 0 || run.timedOut)) {
      lines.push(`     adapter: ${run.timedOut ? `stopped after ${run.durationMs} ms` : `exit code ${String(run.exitCode)}${run.signal === null ? '' : ` (${run.signal})`}`}`);
    }
    const stderr = run?.stderr.trim() ?? '';
    if (!result.passed && stderr !== '') {
      lines.push('     adapter stderr (last lines):', ...stderr.split('\n').slice(-8).map((l) => `       | ${l}`));
    }
  }
  return lines.join('\n');
}

/** The rules that failed in some runs of a scenario and passed in others, across the report. */
export function flakyRules(report: ConformanceReport): Array<{ scenario: string; rule: string; failedRuns: number; runs: number }> {
  return report.scenarios.flatMap((s) =>
    (s.repeats?.flaky ?? []).map((rule) => ({
      scenario: s.name,
      rule,
      failedRuns: s.repeats?.rules.find((r) => r.rule === rule)?.failedRuns ?? 0,
      runs: s.repeats?.runs ?? 1,
    })),
  );
}

/** The whole run as text: every scenario, then the totals (and, over repeated runs, the flaky rules). */
export function formatReport(report: ConformanceReport, options: { verbose?: boolean } = {}): string {
  const head = `aigw-video conformance: adapter ${report.adapter}${report.command === report.adapter ? '' : ` (${report.command})`}, the mock in the ${report.dialect} dialect`;
  const body = report.scenarios.map((s) => formatScenario(s, options));
  const total = report.scenarios.length;
  const runs = report.repeat > 1 ? ` all ${report.repeat} runs` : '';
  const tail = [`${report.passed} of ${total} scenario${total === 1 ? '' : 's'} passed${runs}, ${report.failed} failed, in ${seconds(report.durationMs)}`];
  if (report.repeat > 1) {
    const flaky = flakyRules(report);
    tail.push(
      flaky.length === 0
        ? 'flaky rules: none (no rule both passed and failed across the runs of a scenario)'
        : `flaky rules: ${flaky.map((f) => `${f.rule} in ${f.scenario} (failed ${f.failedRuns} of ${f.runs})`).join(', ')}`,
    );
  }
  return `${[head, '', ...body, '', ...tail].join('\n')}\n`;
}
