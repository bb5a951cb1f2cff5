import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { requestTarget } from '../../src/sim/request-target.js';

/** What `new URL` reads of a request's URL, or null when it throws. */
function byUrl(url: string): { pathname: string; query: Array<[string, string]> } | null {
  try {
    const parsed = new URL(url, 'http://mock.invalid');
    return { pathname: parsed.pathname, query: [...parsed.searchParams] };
  } catch {
    return null;
  }
}

const read = (url: string): ReturnType<typeof byUrl> => {
  const target = requestTarget(url);
  return target === null ? null : { pathname: target.pathname, query: [...target.query] };
};

// Characters URL parsing treats specially, and a few it leaves alone.
const tricky = fc.constantFrom('/', '/', '.', '..', '%', '%2e', '%2F', '?', '#', '\\', ' ', '\t', '\n', '"', '<', '`', '{', '|', '^', "'", ':', '@', 'é', 'a', 'Z', '9', '-', '_', '~', '!', '$', '&', '=', '+', '[');
const requestUrl = fc.oneof(
  fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join('')),
  fc.array(tricky, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
  fc.string(),
);

describe('the path and query of a request', () => {
  test.prop([requestUrl], { numRuns: 3000 })('are what new URL reads of it, whatever its URL', (url) => {
    expect(read(url)).toEqual(byUrl(url));
  });

  it.each([
    '/v1/jobs/job_1',
    '/v1/videos/generations',
    '/v1/jobs/job_1?__code=429',
    '/v1/jobs/../models',
    '/v1/./models',
    '/v1/jobs/job%201',
    '//evil.example/v1/models',
    '/v1/jobs\\job_1',
    '/v1/jobs/job_1#frag',
    '/',
    '*',
    'http://127.0.0.1:4010/v1/models?x=1',
  ])('of %j are what new URL reads', (url) => {
    expect(read(url)).toEqual(byUrl(url));
  });
});
