/** The preferences this mock understands in an RFC 7240 `Prefer` header (Prism's names where it has one). */
export interface Preferences {
  /** `code=429`: answer that documented status. */
  code?: number;
  /** `outcome=failed|completed`: how a created job ends. */
  outcome?: 'completed' | 'failed';
  /** `failure=content_policy_violation`: which failure, with outcome=failed. */
  failure?: string;
  /** `retry-after=5`: the Retry-After of a forced 429 or 503; `retry-after=none` (null): a 503 without one. */
  retryAfter?: number | null;
  /** The raw `name=value` pairs, for `Preference-Applied` and error messages. */
  raw: Record<string, string>;
}

/**
 * Parses `Prefer: code=429, outcome=failed` (RFC 7240 section 2: comma-separated preferences, each
 * `token [= value]` with optional `;` parameters, which are ignored here). Several Prefer headers
 * arrive joined by commas. Unknown preferences are kept in `raw` and otherwise ignored, as the RFC
 * asks of a server that does not support them.
 */
export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = { raw: {} };
  if (header === undefined) return prefs;
  for (const part of header.split(',')) {
    const [head] = part.split(';');
    const [rawName, ...rest] = (head ?? '').split('=');
    const name = (rawName ?? '').trim().toLowerCase();
    if (name === '') continue;
    const value = rest.join('=').trim().replace(/^"(.*)"$/, '$1');
    prefs.raw[name] = value;
    if (name === 'code' && /^\d{3}$/.test(value)) prefs.code = Number(value);
    else if (name === 'code') prefs.code = Number.NaN;
    else if (name === 'outcome' && (value === 'failed' || value === 'completed')) prefs.outcome = value;
    else if (name === 'failure' && value !== '') prefs.failure = value;
    else if (name === 'retry-after' && /^\d{1,6}$/.test(value) && Number(value) >= 1) prefs.retryAfter = Number(value);
    else if (name === 'retry-after' && value.toLowerCase() === 'none') prefs.retryAfter = null;
  }
  return prefs;
}
