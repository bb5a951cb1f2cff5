import { describe, expect, it } from 'vitest';
import { errorCatalog, errorEnvelope } from '../../src/contract/error-catalog.js';
import { validateResponse } from '../../src/contract/validate-response.js';

describe('the error catalog', () => {
  it('has an entry for every error status the video API documents', () => {
    expect([...errorCatalog.keys()].sort()).toEqual([400, 401, 402, 404, 413, 415, 416, 429, 500, 503]);
  });

  it('ties each status to the error type the model page gives', () => {
    const types = Object.fromEntries([...errorCatalog.values()].map((e) => [e.status, e.type]));
    expect(types).toMatchObject({
      401: 'authentication_error',
      402: 'insufficient_credits',
      404: 'not_found',
      429: 'rate_limit_error',
      500: 'server_error',
      503: 'service_unavailable',
      400: 'invalid_request_error',
    });
  });

  it('marks 429, 500 and 503 retryable and the rest not', () => {
    const retryable = [...errorCatalog.values()].filter((e) => e.retryable).map((e) => e.status);
    expect(retryable.sort()).toEqual([429, 500, 503]);
  });

  it('knows that a 429 must carry Retry-After', () => {
    expect(errorCatalog.get(429)?.requiredHeaders).toContain('retry-after');
  });

  it('fills message templates and builds bodies the spec accepts', () => {
    const body = errorEnvelope(402, { vars: { cost: '0.50', balance: '0.00' } });
    expect(body.error.message).toBe(
      'Insufficient credits: this job costs $0.50 and the wallet holds $0.00. Top up to continue.',
    );
    expect(validateResponse('createVideo', 402, { 'content-type': 'application/json', 'x-request-id': 'r' }, body)).toEqual([]);
  });
});
