/**
 * What an adapter prints, as the last line of its stdout: one JSON object. The contract is in
 * docs/conformance.md; the shipped adapters build it with the helpers in adapters/adapter-io.ts.
 */
export type ErrorKind = 'api_error' | 'job_failed' | 'timeout' | 'connection' | 'malformed_response' | 'other';

export interface OutcomeError {
  kind: ErrorKind;
  message: string;
  /** HTTP status, for `api_error`. */
  status?: number | null;
  /** `error.type` of the body (`rate_limit_error`...), for `api_error`. */
  type?: string | null;
  /** `error.code` of the body, or the failed job's `error.code`. */
  code?: string | null;
}

export interface Outcome {
  ok: boolean;
  /** The job as last seen (at least `id` and `status`), or null when none was created. */
  job?: { id: string; status: string; [field: string]: unknown } | null;
  /** The downloaded video, when the adapter got that far. */
  video?: { size: number; sha256: string } | null;
  error?: OutcomeError | null;
  [field: string]: unknown;
}

export type ParsedOutcome = { outcome: Outcome; problem: null } | { outcome: null; problem: string };

/** The last non-empty stdout line, when it is a JSON object with a boolean `ok`. */
export function parseOutcome(stdout: string): ParsedOutcome {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const last = lines.at(-1);
  if (last === undefined) return { outcome: null, problem: 'the adapter printed nothing on stdout' };
  let value: unknown;
  try {
    value = JSON.parse(last);
  } catch {
    return { outcome: null, problem: `the last stdout line is not JSON: ${JSON.stringify(last.slice(0, 200))}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { ok?: unknown }).ok !== 'boolean') {
    return { outcome: null, problem: `the last stdout line is not an outcome object with a boolean 'ok': ${last.slice(0, 200)}` };
  }
  return { outcome: value as Outcome, problem: null };
}
