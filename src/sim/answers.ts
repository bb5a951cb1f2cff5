import { errorEnvelope, errorEntry, type ErrorDetails } from '../contract/error-catalog.js';
import type { SimBody, SimResponse } from './exchange.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON answer; the journal and latency are filled in by the dispatcher. */
export function jsonAnswer(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
  return answer(status, { kind: 'json', value }, { 'content-type': JSON_TYPE, ...headers });
}

export function answer(status: number, body: SimBody, headers: Record<string, string>): SimResponse {
  return { status, headers, body, socketFault: null, latencyMs: 0, journal: null };
}

/**
 * An error in the spec's envelope, from the catalog. Headers the spec requires for the status must
 * be given (a 429 without Retry-After is a contract defect, so it throws instead).
 */
export function errorAnswer(status: number, details: ErrorDetails, headers: Record<string, string> = {}): SimResponse {
  for (const name of errorEntry(status).requiredHeaders) {
    if (name !== 'x-request-id' && headers[name] === undefined) {
      throw new Error(`A ${status} answer needs the ${name} header`);
    }
  }
  return jsonAnswer(status, errorEnvelope(status, details), headers);
}

/** The first violations as one sentence each: `prompt: is required; duration: must be <= 20`. */
export function violationMessage(violations: ReadonlyArray<{ param: string; message: string }>): string {
  const shown = violations.slice(0, 3).map((v) => `${v.param}: ${v.message}`);
  const more = violations.length > 3 ? ` (and ${violations.length - 3} more)` : '';
  return `${shown.join('; ')}${more}`;
}

const CODE_BY_KEYWORD: Record<string, string> = {
  required: 'missing_required_field',
  type: 'invalid_type',
  enum: 'invalid_value',
  const: 'invalid_value',
  minimum: 'out_of_range',
  maximum: 'out_of_range',
  exclusiveMinimum: 'out_of_range',
  exclusiveMaximum: 'out_of_range',
  minLength: 'invalid_length',
  maxLength: 'invalid_length',
  pattern: 'invalid_value',
  format: 'invalid_format',
};

export const codeForKeyword = (keyword: string): string => CODE_BY_KEYWORD[keyword] ?? 'invalid_value';
