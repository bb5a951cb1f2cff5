import { faultLines } from './format-report.js';
import { formatTimeline } from './format-timeline.js';
import type { ConformanceReport, ScenarioResult } from './run-conformance.js';

const escapeXml = (text: string): string =>
  text
    // XML 1.0 forbids most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

const failureType = (s: ScenarioResult): string => (s.error !== null ? 'RunnerError' : s.fault.fired === false ? 'FaultNeverFired' : 'RuleFailed');

/** The failed rules and checks, the fault that never fired, or the runner's error; over repeated runs, how many failed. */
function failureMessage(s: ScenarioResult): string {
  const failedRules = s.rules.filter((r) => r.judged && !r.passed);
  const what =
    s.error ??
    (s.fault.fired === false
      ? `the fault never fired: ${s.fault.faults.map((f) => `${f.says}: ${f.detail}`).join(' | ')}`
      : failedRules.map((r) => `${r.rule}: ${r.checks.filter((c) => !c.ok).map((c) => c.detail).join('; ')}`).join(' | '));
  return s.repeats === null ? what : `failed ${s.repeats.failedRuns} of ${s.repeats.runs} runs; first: ${what}`;
}

/** The reports as JUnit XML: one testsuite per report (a dialect), one testcase per scenario, the failed rules as the failure. */
export function junitReport(reports: ConformanceReport | readonly ConformanceReport[]): string {
  const all = Array.isArray(reports) ? (reports as readonly ConformanceReport[]) : [reports as ConformanceReport];
  const count = (f: (r: ConformanceReport) => number): number => all.reduce((n, r) => n + f(r), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="aigw-video conformance" tests="${count((r) => r.scenarios.length)}" failures="${count((r) => r.failed)}" time="${seconds(count((r) => r.durationMs))}">`,
    ...all.map(testsuite),
    '</testsuites>',
    '',
  ].join('\n');
}

function testsuite(report: ConformanceReport): string {
  const cases = report.scenarios.map((s) => {
    const evidence = [
      ...faultLines(s, ''),
      ...s.rules.flatMap((r) => [`${!r.judged ? '--  ' : r.passed ? 'ok  ' : 'FAIL'} ${r.rule}: ${r.says}`, ...r.checks.map((c) => `       ${c.ok ? 'ok  ' : 'FAIL'} ${c.detail}`)]),
      'timeline:',
      ...formatTimeline(s.journal, s.startedAt, '  '),
      `outcome: ${s.outcome === null ? `none (${s.outcomeProblem ?? ''})` : JSON.stringify(s.outcome)}`,
    ].join('\n');
    const failure = s.passed ? '' : `\n      <failure message="${escapeXml(failureMessage(s))}" type="${failureType(s)}">${escapeXml(evidence)}</failure>`;
    return `    <testcase classname="conformance.${escapeXml(report.adapter.replace(/[^\w.-]+/g, '_'))}.${escapeXml(report.dialect.replace(/[^\w.-]+/g, '_'))}" name="${escapeXml(s.name)}" time="${seconds(s.durationMs)}">${failure}\n      <system-out>${escapeXml(`${s.title}\n${s.description}\n${evidence}`)}</system-out>\n    </testcase>`;
  });
  return [
    `  <testsuite name="conformance: ${escapeXml(report.adapter)} (${escapeXml(report.dialect)})" tests="${report.scenarios.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds(report.durationMs)}">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}
