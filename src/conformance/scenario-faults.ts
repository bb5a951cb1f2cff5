import type { JournalEntry } from '../sim/store.js';
import { matches } from './judge-scenario.js';
import type { Scenario, Selector } from './scenario.js';

/** Something a scenario arranged to go wrong, and the journal entries that show it happened. */
export interface ScenarioFault {
  /** In words: `createVideo answers 500, once`. */
  says: string;
  firedBy: Selector;
}

export interface FaultFiring {
  says: string;
  /** How many requests it shaped. */
  fired: number;
  /** The requests it shaped, or why none met it. */
  detail: string;
}

/** Whether a scenario's faults fired: stated for every scenario, judged or not. */
export interface FaultReport {
  /** `null`: the scenario arranges no fault; `true`: one fired; `false`: none did, and no rule was judged. */
  fired: boolean | null;
  faults: FaultFiring[];
}

const times = (count: number): string => (count === 1 ? 'once' : count >= 1000 ? 'every time' : `the first ${count} times`);

/**
 * The faults a scenario arranges: each armed fault, an emptied wallet (its fault is the 402), and a
 * mock that accepts only another key (the 401). What the mock does to every job (`failureRate`, a
 * slow schedule) is the job's behaviour, not a fault of the exchange: those scenarios arrange none.
 */
export function scenarioFaults(scenario: Scenario): ScenarioFault[] {
  const faults: ScenarioFault[] = [];
  for (const step of scenario.arrange ?? []) {
    if ('wallet' in step) {
      faults.push({ says: `the wallet holds ${step.wallet.balance_cents} cents: createVideo answers 402`, firedBy: { operation: 'createVideo', status: 402 } });
      continue;
    }
    const { operation, status, socket, count = 1, retry_after: retryAfter } = step.fault;
    const selector: Selector = operation === '*' ? {} : { operation };
    const who = operation === '*' ? 'every operation' : operation;
    if (socket !== undefined) {
      faults.push({ says: `${who}: the connection breaks (${socket}), ${times(count)}`, firedBy: { ...selector, fault: `socket:${socket}` } });
    } else {
      const wait = retryAfter === undefined ? '' : retryAfter === null ? ' without Retry-After' : ` with Retry-After: ${retryAfter}`;
      faults.push({ says: `${who} answers ${String(status)}${wait}, ${times(count)}`, firedBy: { ...selector, status: status as number, fault: 'armed' } });
    }
  }
  if (scenario.mock?.apiKeys != null) faults.push({ says: 'the mock accepts only another key: requests answer 401', firedBy: { status: 401 } });
  return faults;
}

const label = (entry: JournalEntry): string => `#${entry.seq} ${entry.operation ?? entry.path} ${entry.status === 0 ? 'broken-socket' : entry.status}`;

/** Why a request did not meet an armed fault. The mock answers a bad key and the rate limit first. */
function missedBecause(entry: JournalEntry, scenarioKey: string): string {
  if (entry.status === 401) {
    if (entry.credentials.length === 0) return 'answered 401: no credentials sent';
    if (!entry.credentials.includes('authorization')) return `answered 401: the key was sent in ${entry.credentials.join(', ')}, not in Authorization: Bearer`;
    return 'answered 401: its Authorization is not a key the mock accepts';
  }
  if (entry.fault === 'rate-limit') return 'answered 429 by the rate limit';
  if (entry.fault === 'prefer') return `answered ${entry.status} as its Prefer header (or __code) asked`;
  if (entry.key !== null && entry.key !== scenarioKey) return "sent with another key than the scenario's AIGATEWAY_API_KEY";
  if (entry.fault !== null) return `answered ${entry.status === 0 ? 'with a broken socket' : entry.status} by another fault (${entry.fault})`;
  return `answered ${entry.status}`;
}

/** `2 createVideo 202, 1 getJob 200`: what the journal holds, in order of first appearance. */
function summarize(entries: readonly JournalEntry[]): string {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const key = `${entry.operation ?? entry.path} ${entry.status === 0 ? 'broken-socket' : entry.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([what, n]) => `${n} ${what}`).join(', ');
}

function firing(fault: ScenarioFault, journal: readonly JournalEntry[], scenarioKey: string): FaultFiring {
  const shaped = journal.filter((e) => matches(e, fault.firedBy));
  if (shaped.length > 0) {
    const shown = shaped.slice(0, 5).map(label).join(', ');
    const more = shaped.length > 5 ? `, and ${shaped.length - 5} more` : '';
    return { says: fault.says, fired: shaped.length, detail: `fired ${shaped.length === 1 ? 'once' : `${shaped.length} times`}: ${shown}${more}` };
  }
  const operation = fault.firedBy.operation;
  const reached = operation === undefined ? journal : journal.filter((e) => matches(e, { operation }));
  const what = operation === undefined ? 'API' : [operation].flat().join('|');
  const never = (why: string): FaultFiring => ({ says: fault.says, fired: 0, detail: `never fired: ${why}` });
  if (journal.length === 0) return never('no request reached the mock');
  if (reached.length === 0) return never(`no ${what} request reached the mock (it saw ${summarize(journal)})`);
  const reasons = new Map<string, number>();
  for (const entry of reached) {
    const reason = missedBecause(entry, scenarioKey);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const first = [...reasons.keys()].some((r) => r.startsWith('answered 401') || r.includes('rate limit'))
    ? ' (the mock answers a missing or unknown key, and the rate limit, before any armed fault)'
    : '';
  const [only] = reached;
  if (reached.length === 1 && only !== undefined) return never(`the one ${what} request (#${only.seq}) was ${missedBecause(only, scenarioKey)}${first}`);
  const why = [...reasons].map(([reason, n]) => `${n} ${reason}`).join('; ');
  return never(`none of the ${reached.length} ${what} requests met it: ${why}${first}`);
}

/** Whether the scenario's faults fired, from the requests the mock saw with the scenario's key. */
export function reportFaults(faults: readonly ScenarioFault[], journal: readonly JournalEntry[], scenarioKey: string): FaultReport {
  const firings = faults.map((f) => firing(f, journal, scenarioKey));
  return { fired: firings.length === 0 ? null : firings.some((f) => f.fired > 0), faults: firings };
}
