import { formatDollars } from './budget.js';
import type { CheckFailure } from './check.js';
import { formatExchange } from './exchange.js';
import { redact } from './redact.js';
import type { CheckResult, SuiteReport } from './run-suite.js';

const indent = (text: string, by = '      '): string => text.split('\n').map((line) => `${by}${line}`).join('\n');

/** How to replay a failure: the seed, and fast-check's path when it has one. */
export const replayHint = (failure: CheckFailure, check: string): string =>
  `replay: aigw-video verify --seed ${failure.seed} (check ${check}${failure.path === null ? '' : `, fast-check path "${failure.path}"`})`;

/** A report judged from a recording: no seed replays it (verify --from-har). */
const recorded = (report: SuiteReport): boolean => report.target.name === 'recording';

function failureText(result: CheckResult & { status: 'failed' }, fromRecording = false): string {
  const { failure } = result;
  const lines = [failure.message];
  if (failure.counterexample !== null && !fromRecording) lines.push(`counterexample: ${failure.counterexample.slice(0, 1500)}`);
  if (failure.request !== null) {
    lines.push(formatExchange({ operationId: null, request: failure.request, response: failure.response, error: null }));
  }
  if (!fromRecording) {
    lines.push(`seed: ${failure.seed}${failure.path === null ? '' : `, path: ${failure.path}`}`);
    lines.push(replayHint(failure, result.name));
  }
  return lines.join('\n');
}

/** The report for a person: each check, then the drift summary, the key never shown. */
export function formatReport(report: SuiteReport, secrets: readonly string[] = []): string {
  const lines: string[] = [];
  const kind = report.target.isMock ? 'the aigw-video-kit mock' : report.target.stateful ? 'not a mock' : 'stateless';
  if (recorded(report)) lines.push(`aigw-video verify --from-har ${report.target.baseUrl}: the checks that need no new request, over the recorded exchanges`);
  else lines.push(`aigw-video verify: ${report.target.name} at ${report.target.baseUrl} (${kind}), seed ${report.seed}`);
  lines.push('');
  if (report.precondition !== undefined) {
    lines.push(`  ${report.precondition.message}`);
    lines.push('');
    return redact(lines.join('\n'), secrets);
  }
  for (const result of report.results) {
    const mark = result.status === 'passed' ? 'PASS' : result.status === 'failed' ? 'FAIL' : 'SKIP';
    const detail =
      result.status === 'passed'
        ? `${result.runs} runs, ${result.durationMs} ms${result.note === undefined ? '' : `; ${result.note}`}`
        : result.status === 'skipped'
          ? result.reason
          : '';
    lines.push(`  ${mark}  ${result.name}: ${result.sentence}${detail === '' ? '' : ` (${detail})`}`);
    if (result.status === 'failed') lines.push(indent(failureText(result, recorded(report))));
  }
  const count = (s: CheckResult['status']): number => report.results.filter((r) => r.status === s).length;
  lines.push('');
  lines.push(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped in ${(report.durationMs / 1000).toFixed(1)} s`);
  if (Number.isFinite(report.maxSpendCents)) {
    lines.push(`spent at most ${formatDollars(report.spentCents)} of ${formatDollars(report.maxSpendCents)} (--max-spend)`);
  }
  lines.push('');
  lines.push('Drift: which variant of the disagreeing sources this target follows');
  for (const row of report.drift) lines.push(`  ${row.id.padEnd(16)} ${row.follows}`);
  if (report.dialect !== undefined) {
    const { dialect } = report;
    lines.push('');
    lines.push(`Dialect: ${dialect.name}`);
    for (const p of dialect.points) {
      const first = p.evidence[0];
      const where = first === undefined ? '' : `${first.entry === undefined ? '' : `entry ${first.entry}: `}${first.request}, ${first.shows}`;
      const shown = !p.observed ? `not observed (${p.note ?? ''})` : [where, p.note].filter((x) => x !== undefined && x !== '').join('; ');
      lines.push(`  ${p.point.padEnd(24)} ${p.choice.padEnd(22)} ${shown}`);
    }
    if (dialect.declared !== undefined && dialect.declared !== null && dialect.declared !== dialect.name) lines.push(`  (the target declares ${dialect.declared})`);
    lines.push(`  aigw-video serve --dialect ${dialect.name} plays it.`);
  }
  lines.push('');
  return redact(lines.join('\n'), secrets);
}

const xmlEscape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

/** JUnit XML: one testcase per check; skips carry their reason, failures the counterexample. */
export function junitXml(report: SuiteReport, secrets: readonly string[] = []): string {
  const count = (s: CheckResult['status']): number => report.results.filter((r) => r.status === s).length;
  const suiteName = `aigw-video verify ${report.target.name}`;
  const cases = report.results.map((result) => {
    const open = `    <testcase classname="${xmlEscape(suiteName)}" name="${xmlEscape(`${result.name}: ${result.sentence}`)}" time="${(result.durationMs / 1000).toFixed(3)}"`;
    if (result.status === 'passed') return `${open}/>`;
    if (result.status === 'skipped') return `${open}>\n      <skipped message="${xmlEscape(result.reason)}"/>\n    </testcase>`;
    return `${open}>\n      <failure message="${xmlEscape(result.failure.message)}">${xmlEscape(failureText(result, recorded(report)))}</failure>\n    </testcase>`;
  });
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="aigw-video verify" tests="${report.results.length}" failures="${count('failed')}" skipped="${count('skipped')}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xmlEscape(suiteName)}" tests="${report.results.length}" failures="${count('failed')}" skipped="${count('skipped')}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `    <properties>\n      <property name="seed" value="${report.seed}"/>\n      <property name="baseUrl" value="${xmlEscape(report.target.baseUrl)}"/>\n    </properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
  return redact(xml, secrets);
}

/** The report as JSON (for dashboards), the key redacted. */
export function jsonReport(report: SuiteReport, secrets: readonly string[] = []): string {
  const plain = { ...report, maxSpendCents: Number.isFinite(report.maxSpendCents) ? report.maxSpendCents : null };
  return redact(`${JSON.stringify(plain, null, 2)}\n`, secrets);
}
