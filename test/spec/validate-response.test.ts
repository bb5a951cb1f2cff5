import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { validateResponse } from '../../src/contract/validate-response.js';
import { jobStatusValues } from '../../src/generated/api.js';

const headers = { 'content-type': 'application/json', 'x-request-id': 'req_1' };
const completed = {
  id: 'job_1',
  status: 'completed',
  model: 'openai/sora-2-video-to-video-remix',
  created: 1776947082,
  result: { url: 'http://127.0.0.1:4010/v1/files/jobs/job_1/video.mp4', duration: 5, resolution: '1920x1080' },
};

describe('validateResponse', () => {
  it('accepts a completed job with its result', () => {
    expect(validateResponse('getJob', 200, headers, completed)).toEqual([]);
  });

  it('names result.url when a completed job lacks it', () => {
    const body = { ...completed, result: { duration: 5, resolution: '1920x1080' } };
    expect(validateResponse('getJob', 200, headers, body)).toContainEqual(
      expect.objectContaining({ in: 'body', param: 'result.url', keyword: 'required' }),
    );
  });

  it('names result when a completed job has none', () => {
    const { result: _result, ...body } = completed;
    expect(validateResponse('getJob', 200, headers, body)).toContainEqual(
      expect.objectContaining({ param: 'result', keyword: 'required' }),
    );
  });

  it('names error when a failed job has none', () => {
    const { result: _result, ...rest } = completed;
    expect(validateResponse('getJob', 200, headers, { ...rest, status: 'failed' })).toContainEqual(
      expect.objectContaining({ param: 'error', keyword: 'required' }),
    );
  });

  test.prop([fc.string().filter((s) => !(jobStatusValues as readonly string[]).includes(s))])(
    'rejects any status outside the enum',
    (status) => {
      const violations = validateResponse('getJob', 200, headers, { ...completed, status });
      expect(violations).toContainEqual(expect.objectContaining({ param: 'status' }));
    },
  );

  test.prop([fc.integer({ min: 10_000_000_000, max: 99_999_999_999_999 })])(
    'rejects creation times in milliseconds',
    (created) => {
      expect(validateResponse('getJob', 200, headers, { ...completed, created })).toContainEqual(
        expect.objectContaining({ param: 'created', keyword: 'maximum' }),
      );
    },
  );

  it('rejects a status the operation does not document', () => {
    expect(validateResponse('getJob', 402, headers, {})).toEqual([
      expect.objectContaining({ in: 'status', keyword: 'status' }),
    ]);
  });

  it('requires Retry-After on a 429, as integer seconds of at least 1', () => {
    const body = { error: { message: 'slow down', type: 'rate_limit_error' } };
    expect(validateResponse('createVideo', 429, headers, body)).toContainEqual(
      expect.objectContaining({ in: 'header', param: 'retry-after', keyword: 'required' }),
    );
    expect(validateResponse('createVideo', 429, { ...headers, 'retry-after': '0' }, body)).toContainEqual(
      expect.objectContaining({ in: 'header', param: 'retry-after', keyword: 'minimum' }),
    );
    expect(validateResponse('createVideo', 429, { ...headers, 'retry-after': '2' }, body)).toEqual([]);
  });

  it('rejects an error type that does not match the status', () => {
    const body = { error: { message: 'slow down', type: 'rate_limited' } };
    expect(validateResponse('createVideo', 429, { ...headers, 'retry-after': '2' }, body)).toContainEqual(
      expect.objectContaining({ param: 'error.type' }),
    );
  });

  it('rejects an HTML error page', () => {
    expect(validateResponse('getJob', 500, { ...headers, 'content-type': 'text/html' }, '<h1>oops</h1>')).toContainEqual(
      expect.objectContaining({ in: 'content-type' }),
    );
  });

  it('reads headers from a fetch Headers object', () => {
    expect(validateResponse('getJob', 200, new Headers(headers), completed)).toEqual([]);
  });
});
