import { formatTimeline } from './format-timeline.js';
import type { ConformanceReport } from './run-conformance.js';

const escapeXml = (text: string): string =>
  text
    // XML 1.0 forbids most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The report as JUnit XML: one testsuite, one testcase per scenario, the failed rules as the failure. */
export function junitReport(report: ConformanceReport): string {
  const cases = report.scenarios.map((s) => {
    const evidence = [
      ...s.rules.flatMap((r) => [`${r.passed ? 'ok  ' : 'FAIL'} ${r.rule}: ${r.says}`, ...r.checks.map((c) => `       ${c.ok ? 'ok  ' : 'FAIL'} ${c.detail}`)]),
      'timeline:',
      ...formatTimeline(s.journal, s.startedAt, '  '),
      `outcome: ${s.outcome === null ? `none (${s.outcomeProblem ?? ''})` : JSON.stringify(s.outcome)}`,
    ].join('\n');
    const failed = s.rules.filter((r) => !r.passed);
    const failure = s.passed
      ? ''
      : `\n      <failure message="${escapeXml(s.error ?? failed.map((r) => `${r.rule}: ${r.checks.filter((c) => !c.ok).map((c) => c.detail).join('; ')}`).join(' | '))}" type="${s.error === null ? 'RuleFailed' : 'RunnerError'}">${escapeXml(evidence)}</failure>`;
    return `    <testcase classname="conformance.${escapeXml(report.adapter.replace(/[^\w.-]+/g, '_'))}" name="${escapeXml(s.name)}" time="${seconds(s.durationMs)}">${failure}\n      <system-out>${escapeXml(`${s.title}\n${s.description}\n${evidence}`)}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="aigw-video conformance" tests="${report.scenarios.length}" failures="${report.failed}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="conformance: ${escapeXml(report.adapter)}" tests="${report.scenarios.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds(report.durationMs)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
