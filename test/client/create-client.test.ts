import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientVersion, createClient } from '../../src/client/index.js';
import { apiKey, baseURL, harness } from './harness.js';
import { jsonReply, scriptedFetch } from './scripted-fetch.js';
import { completedJob, queuedJob, videoRequest } from './spec-jobs.js';

describe('createClient', () => {
  it('creates a job with a POST carrying the key, the JSON headers and the request', async () => {
    const { client, calls } = harness([jsonReply(202, queuedJob)]);
    await expect(client.create(videoRequest)).resolves.toEqual(queuedJob);
    const [call] = calls;
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe(`${baseURL}/videos/generations`);
    expect(call?.headers.get('authorization')).toBe(`Bearer ${apiKey}`);
    expect(call?.headers.get('accept')).toBe('application/json');
    expect(call?.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(call?.body ?? '')).toEqual(videoRequest);
  });

  it('accepts the 200 some gateway versions answer to a create', async () => {
    const { client } = harness([jsonReply(200, queuedJob)]);
    await expect(client.create(videoRequest)).resolves.toEqual(queuedJob);
  });

  it('gets a job by id, escaping the id in the path, without a Content-Type', async () => {
    const { client, calls } = harness([jsonReply(200, completedJob)]);
    await expect(client.get('job/a b')).resolves.toEqual(completedJob);
    expect(calls[0]?.url).toBe(`${baseURL}/jobs/job%2Fa%20b`);
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.headers.get('authorization')).toBe(`Bearer ${apiKey}`);
    expect(calls[0]?.headers.has('content-type')).toBe(false);
  });

  it('talks to the live gateway by default and drops a trailing slash from baseURL', async () => {
    const live = scriptedFetch([jsonReply(202, queuedJob)]);
    await createClient({ apiKey, fetch: live.fetch }).create(videoRequest);
    expect(live.calls[0]?.url).toBe('https://api.aigateway.sh/v1/videos/generations');

    const local = scriptedFetch([jsonReply(200, completedJob)]);
    await createClient({ apiKey, baseURL: `${baseURL}/`, fetch: local.fetch }).get('job_1');
    expect(local.calls[0]?.url).toBe(`${baseURL}/jobs/job_1`);
  });

  it("sends aigw-video-kit/<package version> as the User-Agent unless told otherwise", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(clientVersion).toBe(pkg.version);
    const plain = harness([jsonReply(202, queuedJob)]);
    await plain.client.create(videoRequest);
    expect(plain.calls[0]?.headers.get('user-agent')).toBe(`aigw-video-kit/${pkg.version}`);
    const custom = harness([jsonReply(202, queuedJob)], { userAgent: 'my-app/2' });
    await custom.client.create(videoRequest);
    expect(custom.calls[0]?.headers.get('user-agent')).toBe('my-app/2');
  });

  it('judges the body it uses, not bookkeeping headers: a job without x-request-id is still a job', async () => {
    const bare = new Response(JSON.stringify(completedJob), { status: 200, headers: { 'content-type': 'application/json' } });
    const { client } = harness([bare]);
    await expect(client.get('job_1')).resolves.toEqual(completedJob);
  });

  it('refuses to start without an API key or with fewer than one attempt', () => {
    expect(() => createClient({ apiKey: '' })).toThrow(TypeError);
    expect(() => createClient({ apiKey, maxAttempts: 0 })).toThrow(RangeError);
  });
});
