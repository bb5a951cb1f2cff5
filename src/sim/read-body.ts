import { validateRequest, type RequestInput } from '../contract/validate-request.js';
import type { Violation } from '../contract/index.js';
import { codeForKeyword, errorAnswer, violationMessage } from './answers.js';
import type { SimRequest, SimResponse } from './exchange.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and checks a request for an operation: the body's size, media type and JSON syntax, then
 * everything the spec says (parameters and body schema). Answers the value, or the error to send.
 */
export function checkRequest(
  operationId: string,
  request: SimRequest,
  input: Omit<RequestInput, 'body' | 'contentType'>,
  bodyLimitBytes: number,
): { ok: true; body: unknown } | { ok: false; response: SimResponse } {
  if (request.bodyTooLarge === true || (request.body !== null && request.body.byteLength > bodyLimitBytes)) {
    return { ok: false, response: errorAnswer(413, { vars: { maxBytes: bodyLimitBytes }, param: 'body' }) };
  }
  const contentType = request.headers['content-type'] ?? null;
  let body: unknown;
  const raw = request.body;
  if (raw !== null && raw.byteLength > 0) {
    const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaType !== 'application/json' && !/^application\/[\w.+-]*\+json$/.test(mediaType)) {
      return {
        ok: false,
        response: errorAnswer(415, { vars: { contentType: contentType ?? 'none' }, param: 'Content-Type' }),
      };
    }
    try {
      body = JSON.parse(decoder.decode(raw));
    } catch (error) {
      const reason = error instanceof RangeError ? 'nested too deeply' : (error as Error).message;
      return {
        ok: false,
        response: errorAnswer(400, {
          message: `body: is not valid JSON (${reason.slice(0, 200)})`,
          code: 'invalid_json',
          param: 'body',
        }),
      };
    }
  }
  const violations = validateRequest(operationId, { ...input, body, contentType: contentType ?? 'application/json' });
  if (violations.length > 0) return { ok: false, response: badRequest(violations) };
  return { ok: true, body };
}

export function badRequest(violations: readonly Violation[]): SimResponse {
  const first = violations[0] as Violation;
  return errorAnswer(400, {
    message: violationMessage(violations),
    code: codeForKeyword(first.keyword),
    param: first.param,
  });
}
