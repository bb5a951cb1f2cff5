import type { JournalEntry } from '../sim/store.js';
import type { AdapterRun } from './run-adapter.js';
import type { Outcome } from './outcome.js';
import type { Check, Matcher, Rule, Selector } from './scenario.js';

/** What the rules are judged against. */
export interface Evidence {
  /** The scenario's API requests, oldest first. */
  journal: readonly JournalEntry[];
  outcome: Outcome | null;
  /** Why there is no outcome, when there is none. */
  outcomeProblem: string | null;
  run: AdapterRun;
  /** Values `$name.path` matchers compare with (`$job.error.code`, `$video.sha256`, `$key`). */
  facts: Record<string, unknown>;
}

export interface CheckResult {
  ok: boolean;
  /** What was found, as a sentence: the evidence for a pass or the reason for a failure. */
  detail: string;
}

export interface RuleResult {
  rule: string;
  says: string;
  /** Judged and every check held. */
  passed: boolean;
  /** `false` when the scenario's fault never fired: the checks were run but say nothing of the client. */
  judged: boolean;
  checks: CheckResult[];
}

/**
 * Journal times are whole milliseconds and timers may fire a millisecond early (libuv rounds its
 * loop time), so a client that sleeps exactly Retry-After can arrive 999 ms after a 1 s one. A few
 * ms of slack keep a good client from failing on rounding; a careless one is off by hundreds.
 */
export const GAP_TOLERANCE_MS = 10;

const list = <T>(value: T | T[] | undefined): T[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

export function matches(entry: JournalEntry, selector: Selector): boolean {
  const operations = list(selector.operation);
  if (operations !== undefined && !operations.includes(entry.operation as never)) return false;
  const statuses = list(selector.status);
  if (statuses !== undefined && !statuses.includes(entry.status)) return false;
  if (selector.fault === true && entry.fault === null) return false;
  if (selector.fault === false && entry.fault !== null) return false;
  if (typeof selector.fault === 'string' && entry.fault !== selector.fault) return false;
  if (selector.credentials !== undefined && entry.credentials.length > 0 !== selector.credentials) return false;
  return true;
}

export function describeSelector(selector: Selector): string {
  const parts = [list(selector.operation)?.join('|') ?? 'API'];
  const statuses = list(selector.status);
  if (statuses !== undefined) parts.push(statuses.map((s) => (s === 0 ? 'broken-socket' : String(s))).join('|'));
  if (selector.fault === true) parts.push('faulted');
  if (selector.fault === false) parts.push('unfaulted');
  if (typeof selector.fault === 'string') parts.push(`(${selector.fault})`);
  const credentials = selector.credentials === undefined ? '' : selector.credentials ? ' with credentials' : ' without credentials';
  return `${parts.join(' ')} requests${credentials}`;
}

const label = (entry: JournalEntry): string => `#${entry.seq} ${entry.operation ?? entry.path} ${entry.status === 0 ? 'broken-socket' : entry.status}`;

/** The first few entries by label; with `where`, each with the credentials it carried and the host it went to. */
function nameEntries(entries: readonly JournalEntry[], where: boolean): string {
  const named = entries.slice(0, 5).map((e) => (where ? `${label(e)} (${e.credentials.join(', ')} to ${e.headers['host'] ?? 'its host'})` : label(e)));
  return `${named.join(', ')}${entries.length > 5 ? ', ...' : ''}`;
}

/** A dotted path into a value: `error.code`. */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function matchValue(actual: unknown, matcher: Matcher, facts: Record<string, unknown>): { ok: boolean; wanted: string } {
  if (typeof matcher === 'string' && matcher.startsWith('$')) {
    const expected = valueAt(facts, matcher.slice(1));
    return { ok: expected !== undefined && actual === expected, wanted: `${matcher} = ${JSON.stringify(expected)}` };
  }
  if (matcher === null || typeof matcher !== 'object') return { ok: actual === matcher, wanted: JSON.stringify(matcher) };
  if ('matches' in matcher) {
    return { ok: typeof actual === 'string' && new RegExp(matcher.matches, 'i').test(actual), wanted: `/${matcher.matches}/i` };
  }
  if ('oneOf' in matcher) return { ok: matcher.oneOf.includes(actual as never), wanted: `one of ${JSON.stringify(matcher.oneOf)}` };
  if ('exists' in matcher) return { ok: (actual !== undefined && actual !== null) === matcher.exists, wanted: matcher.exists ? 'present' : 'absent' };
  if ('atLeast' in matcher) return { ok: typeof actual === 'number' && actual >= matcher.atLeast, wanted: `>= ${matcher.atLeast}` };
  return { ok: typeof actual === 'number' && actual <= matcher.atMost, wanted: `<= ${matcher.atMost}` };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function evaluateCheck(check: Check, evidence: Evidence): CheckResult {
  const { journal } = evidence;
  if ('count' in check) {
    const selected = journal.filter((e) => matches(e, check.count));
    const found = selected.length;
    const { min = 0, max = Number.POSITIVE_INFINITY } = check;
    const wanted = max === 0 ? 'none' : min === max ? `exactly ${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : min === 0 ? `at most ${max}` : `${min} to ${max}`;
    const excess = found > max ? `: ${nameEntries(selected, check.count.credentials === true)}` : '';
    return { ok: found >= min && found <= max, detail: `${describeSelector(check.count)}: ${found} (needs ${wanted})${excess}` };
  }
  if ('gap' in check) {
    const { after, next, minMs, requireNext = true } = check.gap;
    const anchors = journal.filter((e) => matches(e, after));
    if (anchors.length === 0) return { ok: false, detail: `no ${describeSelector(after)} in the journal to measure from` };
    const gaps: string[] = [];
    for (const anchor of anchors) {
      const following = journal.find((e) => e.seq > anchor.seq && matches(e, next));
      if (following === undefined) {
        if (requireNext) return { ok: false, detail: `${label(anchor)} was never followed by a ${describeSelector(next).replace(/s$/, '')}` };
        gaps.push(`${label(anchor)} -> none`);
        continue;
      }
      const gap = following.time - anchor.time;
      if (gap < minMs - GAP_TOLERANCE_MS) {
        return { ok: false, detail: `${label(following)} came ${gap} ms after ${label(anchor)} (needs >= ${minMs} ms)` };
      }
      gaps.push(`${gap} ms`);
    }
    return { ok: true, detail: `gaps after ${describeSelector(after)}: ${gaps.join(', ')} (each >= ${minMs} ms)` };
  }
  if ('every' in check) {
    const selected = journal.filter((e) => matches(e, check.every));
    if (selected.length === 0) return { ok: false, detail: `no ${describeSelector(check.every)} in the journal` };
    for (const entry of selected) {
      if (check.header !== undefined && (entry.headers[check.header.toLowerCase()] ?? '') === '') {
        return { ok: false, detail: `${label(entry)} was sent without a ${check.header} header` };
      }
      if (check.sentKey === true && entry.key !== evidence.facts['key']) {
        return { ok: false, detail: `${label(entry)} did not carry the scenario's API key (journal key ${String(entry.key)})` };
      }
    }
    const what = [check.header === undefined ? null : `a ${check.header} header`, check.sentKey === true ? "the scenario's API key" : null].filter((x) => x !== null).join(' and ');
    return { ok: true, detail: `all ${plural(selected.length, 'request')} (${describeSelector(check.every)}) carried ${what}` };
  }
  if ('outcome' in check) {
    if (evidence.outcome === null) return { ok: false, detail: `no outcome: ${evidence.outcomeProblem ?? 'none printed'}` };
    const failures: string[] = [];
    const seen: string[] = [];
    for (const [path, matcher] of Object.entries(check.outcome)) {
      const actual = valueAt(evidence.outcome, path);
      const { ok, wanted } = matchValue(actual, matcher, evidence.facts);
      const shown = JSON.stringify(actual) ?? 'undefined';
      if (ok) seen.push(`${path} ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`);
      else failures.push(`outcome ${path} is ${shown.length > 160 ? `${shown.slice(0, 157)}...` : shown}, needs ${wanted}`);
    }
    return failures.length > 0 ? { ok: false, detail: failures.join('; ') } : { ok: true, detail: `outcome ${seen.join(', ')}` };
  }
  if ('finished' in check) {
    const { run } = evidence;
    const finished = !run.timedOut && evidence.outcome !== null;
    const how = run.timedOut
      ? `the adapter was stopped after ${run.durationMs} ms (the scenario's timeout)`
      : evidence.outcome === null
        ? `the adapter exited (code ${String(run.exitCode)}${run.signal === null ? '' : `, ${run.signal}`}) without an outcome: ${evidence.outcomeProblem ?? ''}`
        : `the adapter finished by itself in ${run.durationMs} ms`;
    return { ok: finished === check.finished, detail: how };
  }
  const results = check.anyOf.map((c) => evaluateCheck(c, evidence));
  const ok = results.some((r) => r.ok);
  return { ok, detail: ok ? (results.find((r) => r.ok) as CheckResult).detail : `none of: ${results.map((r) => r.detail).join(' | ')}` };
}

/** Each rule with its checks; `judged: false` (a fault that never fired) passes none of them. */
export function judgeRules(rules: readonly Rule[], evidence: Evidence, judged = true): RuleResult[] {
  return rules.map((rule) => {
    const checks = rule.checks.map((check) => evaluateCheck(check, evidence));
    return { rule: rule.rule, says: rule.says, passed: judged && checks.every((c) => c.ok), judged, checks };
  });
}
