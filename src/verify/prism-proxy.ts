import type { CheckResult } from './run-suite.js';
import type { Exchange } from './exchange.js';

/** One violation Prism's proxy reported in `sl-violations`. */
interface PrismViolation {
  location?: unknown;
  severity?: unknown;
  code?: unknown;
  message?: unknown;
}

/** Counts what `prism proxy` finds wrong in the target's answers (requests the suite broke on purpose are not counted). */
export interface ProxyViolationLog {
  observe(exchange: Exchange): void;
  /** The result of the `prism_proxy_validation` check. */
  result(seed: number): CheckResult;
}

function parseViolations(header: string): PrismViolation[] {
  try {
    const parsed = JSON.parse(header) as unknown;
    return Array.isArray(parsed) ? (parsed as PrismViolation[]) : [];
  } catch {
    return [{ location: ['response'], message: header }];
  }
}

/**
 * Prism, proxying with our spec, validates each exchange on its own and reports what breaks the
 * spec in the `sl-violations` response header: an independent second validator. Violations located
 * in the request are the suite's own negative cases and are left out.
 */
export function createProxyViolationLog(): ProxyViolationLog {
  const found = new Map<string, Exchange>();
  let exchanges = 0;
  return {
    observe(exchange) {
      exchanges++;
      const header = exchange.response?.headers['sl-violations'];
      if (header === undefined) return;
      for (const violation of parseViolations(header)) {
        const location = Array.isArray(violation.location) ? violation.location.map(String) : [];
        if (location[0] !== 'response' || violation.severity === 'Warning') continue;
        const key = `${exchange.request.method} ${new URL(exchange.request.url).pathname.replace(/job_[A-Za-z0-9_-]+/g, '{id}')} ${exchange.response?.status ?? ''}: ${location.slice(1).join('.')} ${String(violation.message ?? violation.code ?? '')}`;
        if (!found.has(key)) found.set(key, exchange);
      }
    },
    result(seed) {
      const base = { name: 'prism_proxy_validation', sentence: "passes Prism's own validation of every response it proxied", durationMs: 0, runs: exchanges };
      const first = [...found][0];
      if (first === undefined) return { ...base, status: 'passed', note: `${exchanges} exchanges through prism proxy` };
      const [, exchange] = first;
      return {
        ...base,
        status: 'failed',
        failure: {
          message: `prism proxy reported ${found.size} distinct response violation(s):\n${[...found.keys()].slice(0, 10).join('\n')}`,
          request: exchange.request,
          response: exchange.response,
          seed,
          path: null,
          counterexample: null,
        },
      };
    },
  };
}
