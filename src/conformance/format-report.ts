import { formatTimeline } from './format-timeline.js';
import type { ConformanceReport, ScenarioResult } from './run-conformance.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const outcomeLine = (result: ScenarioResult): string =>
  result.outcome !== null ? JSON.stringify(result.outcome) : `none (${result.outcomeProblem ?? 'the adapter did not run'})`;

/** One scenario: PASS/FAIL, each rule with the evidence for it, the timeline and the outcome. */
export function formatScenario(result: ScenarioResult, options: { verbose?: boolean } = {}): string {
  const verbose = options.verbose ?? false;
  const lines = [`${result.passed ? 'PASS' : 'FAIL'} ${result.name}: ${result.title} (${seconds(result.durationMs)})`];
  if (result.error !== null) lines.push(`     runner error: ${result.error}`);
  for (const rule of result.rules) {
    if (rule.passed && !verbose) continue;
    lines.push(`     ${rule.passed ? 'ok  ' : 'FAIL'} rule ${rule.rule}: ${rule.says}`);
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

/** The whole run as text: every scenario, then the totals. */
export function formatReport(report: ConformanceReport, options: { verbose?: boolean } = {}): string {
  const head = `aigw-video conformance: adapter ${report.adapter}${report.command === report.adapter ? '' : ` (${report.command})`}`;
  const body = report.scenarios.map((s) => formatScenario(s, options));
  const total = report.scenarios.length;
  const tail = `${report.passed} of ${total} scenario${total === 1 ? '' : 's'} passed, ${report.failed} failed, in ${seconds(report.durationMs)}`;
  return `${[head, '', ...body, '', tail].join('\n')}\n`;
}
