import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../src/contract/validate-request.js';
import { defect, validRequest } from '../../src/verify/arbitraries.js';

// Every request the spec allows, as on a target where jobs cost nothing.
const validVideoRequest = validRequest({ costFree: true });

const json = 'application/json';

describe('validateRequest', () => {
  test.prop([validVideoRequest])('accepts every request the spec allows', (body) => {
    expect(validateRequest('createVideo', { body, contentType: json })).toEqual([]);
  });

  test.prop([validVideoRequest, defect])('rejects a request with one defect and names the field at fault', (valid, d) => {
    const body: Record<string, unknown> = { ...valid };
    d.apply(body);
    const violations = validateRequest('createVideo', { body, contentType: json });
    expect(violations.length, d.name).toBeGreaterThan(0);
    for (const v of violations) {
      expect(v.in).toBe('body');
      expect(v.param, d.name).toBe(d.field);
      expect(v.path).toBe(`/${d.field}`);
      expect(v.message.length).toBeGreaterThan(0);
    }
  });

  it('says a missing body is required', () => {
    expect(validateRequest('createVideo', { contentType: json })).toEqual([
      { in: 'body', path: '', param: 'body', message: 'is required', keyword: 'required' },
    ]);
  });

  it('rejects a body that is not JSON by its content type', () => {
    const [violation] = validateRequest('createVideo', { body: 'x', contentType: 'text/plain' });
    expect(violation).toMatchObject({ in: 'content-type', param: 'Content-Type', keyword: 'contentType' });
  });

  it('accepts application/json with a charset parameter', () => {
    const body = { model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake' };
    expect(validateRequest('createVideo', { body, contentType: 'application/json; charset=utf-8' })).toEqual([]);
  });

  it('describes a blank prompt in words, not as a regular expression', () => {
    const [violation] = validateRequest('createVideo', {
      body: { model: 'm', prompt: '   ' },
      contentType: json,
    });
    expect(violation?.message).toBe('must not be blank');
  });

  it('lists the allowed aspect ratios when one is unknown', () => {
    const [violation] = validateRequest('createVideo', {
      body: { model: 'm', prompt: 'p', aspect_ratio: '4:3' },
      contentType: json,
    });
    expect(violation).toMatchObject({ param: 'aspect_ratio', keyword: 'enum', message: 'must be one of: 16:9, 9:16, 1:1' });
  });

  it('checks path parameters against their schemas', () => {
    expect(validateRequest('getJob', { pathParams: { id: 'job_1' } })).toEqual([]);
    const [violation] = validateRequest('getJob', { pathParams: { id: 'x'.repeat(300) } });
    expect(violation).toMatchObject({ in: 'path', param: 'id', keyword: 'maxLength' });
  });

  it('coerces query strings to the schema type before checking them', () => {
    expect(validateRequest('mockGetJournal', { query: { limit: '10' } })).toEqual([]);
    const [violation] = validateRequest('mockGetJournal', { query: { limit: 'ten' } });
    expect(violation).toMatchObject({ in: 'query', param: 'limit', keyword: 'type' });
  });
});
