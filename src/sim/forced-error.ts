import type { SimConfig } from './config.js';
import { errorAnswer } from './answers.js';
import type { SimResponse } from './exchange.js';

/** An answer with the status a caller asked for (Prefer, `?__code`, an armed fault): the spec's body and required headers. */
export function forcedError(config: SimConfig, status: number, retryAfter: number | undefined): SimResponse {
  const seconds = String(retryAfter ?? config.retryAfterSeconds);
  const headers: Record<string, string> =
    status === 429
      ? {
          'retry-after': seconds,
          'x-ratelimit-limit-requests': String(config.rpm),
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': seconds,
        }
      : status === 503
        ? { 'retry-after': seconds }
        : {};
  const vars = {
    param: 'body',
    detail: 'rejected on request (forced status)',
    what: 'Resource',
    cost: '0.00',
    balance: '0.00',
    maxBytes: config.bodyLimitBytes,
    contentType: 'forced',
    limit: config.rpm,
    retryAfter: seconds,
    range: 'bytes=0-0',
    size: 0,
  };
  if (status === 416) headers['content-range'] = 'bytes */0';
  const response = errorAnswer(status, { vars }, headers);
  response.headers['preference-applied'] = `code=${status}`;
  return response;
}
