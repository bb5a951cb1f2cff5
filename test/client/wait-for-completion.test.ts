import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createClient, JobFailedError, MalformedResponseError, WaitTimeoutError } from '../../src/client/index.js';
import type { SchemaJob } from '../../src/generated/api.js';
import { apiKey, caught, harness } from './harness.js';
import { errorReply, jsonReply, scriptedFetch } from './scripted-fetch.js';
import { completedJob, failedJob, processingAt, queuedJob, videoRequest } from './spec-jobs.js';

const jobReplies = (...jobs: SchemaJob[]) => jobs.map((job) => jsonReply(200, job));

describe('waitForCompletion', () => {
  it('polls on the gateway schedule until the job completes, reporting every change', async () => {
    const seen: string[] = [];
    const { client, clock, calls } = harness(
      jobReplies(queuedJob, processingAt(40), processingAt(40), processingAt(80), completedJob),
    );
    const job = await client.waitForCompletion('job_abc123', {
      onProgress: (j) => seen.push(`${j.status} ${j.progress ?? ''}`),
    });
    expect(job).toEqual(completedJob);
    expect(seen).toEqual(['queued 0', 'processing 40', 'processing 80', 'completed 100']);
    expect(clock.sleeps).toEqual([2000, 3000, 4500, 6750]);
    expect(calls.every((c) => c.url.endsWith('/jobs/job_abc123'))).toBe(true);
  });

  it('answers at once, without sleeping, when the job is already complete', async () => {
    const { client, clock } = harness(jobReplies(completedJob));
    await expect(client.waitForCompletion('job_abc123')).resolves.toEqual(completedJob);
    expect(clock.sleeps).toEqual([]);
  });

  it('caps the poll interval at poll.maxMs', async () => {
    const { client, clock } = harness(jobReplies(...Array.from({ length: 5 }, () => processingAt(10)), completedJob), {
      poll: { initialMs: 4000, factor: 3, maxMs: 10_000 },
    });
    await client.waitForCompletion('job_abc123');
    expect(clock.sleeps).toEqual([4000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('throws JobFailedError carrying the failed job and its code', async () => {
    const { client } = harness(jobReplies(processingAt(40), failedJob));
    const error = await caught(client.waitForCompletion('job_abc123'));
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ job: failedJob, code: failedJob.error.code });
    expect((error as Error).message).toContain(failedJob.error.message);
  });

  it('times out on the injected clock, shortening the last sleep to end on the deadline', async () => {
    const { client, clock } = harness([], { then: () => jsonReply(200, processingAt(40)) });
    const start = clock.now();
    const error = await caught(client.waitForCompletion('job_abc123', { timeoutMs: 10_000 }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ jobId: 'job_abc123', timeoutMs: 10_000, lastJob: processingAt(40) });
    expect(clock.sleeps).toEqual([2000, 3000, 4500, 500]);
    expect(clock.now() - start).toBe(10_000);
  });

  it('times out during a Retry-After that reaches past the deadline', async () => {
    const { client, clock } = harness([errorReply(429, {}, { 'retry-after': '30' })], { maxRetryAfterMs: 60_000 });
    const start = clock.now();
    await expect(client.waitForCompletion('job_abc123', { timeoutMs: 5000 })).rejects.toThrow(WaitTimeoutError);
    expect(clock.now() - start).toBe(5000);
  });

  it('honours Retry-After on a 429 while polling', async () => {
    const { client, clock } = harness([
      jsonReply(200, processingAt(40)),
      errorReply(429, {}, { 'retry-after': '5' }),
      jsonReply(200, completedJob),
    ]);
    await client.waitForCompletion('job_abc123');
    expect(clock.sleeps).toEqual([2000, 5000]);
  });

  it('retries a malformed poll, then throws MalformedResponseError when it stays malformed', async () => {
    const { client, calls } = harness([jsonReply(200, processingAt(40))], {
      maxAttempts: 3,
      then: () => jsonReply(200, { status: 'processing' }),
    });
    const error = await caught(client.waitForCompletion('job_abc123'));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error).toMatchObject({ attempts: 3 });
    expect(calls).toHaveLength(4);
  });

  it('never polls faster than minPollIntervalMs, even when the schedule would', async () => {
    const { client, clock } = harness(jobReplies(queuedJob, queuedJob, completedJob), {
      poll: { initialMs: 10, factor: 1, maxMs: 10 },
    });
    await client.waitForCompletion('job_abc123');
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  test.prop(
    [
      fc.record({
        initialMs: fc.integer({ min: 0, max: 5000 }),
        factor: fc.double({ min: 1, max: 3, noNaN: true }),
        maxMs: fc.integer({ min: 0, max: 60_000 }),
      }),
      fc.integer({ min: 0, max: 5000 }),
      fc.array(fc.constantFrom('processing', 'rate-limited', 'server-error', 'malformed'), { maxLength: 12 }),
    ],
    { numRuns: 50 },
  )('never sends two requests of a wait closer than minPollIntervalMs', async (poll, floor, steps) => {
    const reply = {
      processing: () => jsonReply(200, processingAt(40)),
      'rate-limited': () => errorReply(429, {}, { 'retry-after': '0' }),
      'server-error': () => errorReply(500),
      malformed: () => jsonReply(200, {}),
    };
    const { client, calls } = harness([...steps.map((step) => reply[step]()), jsonReply(200, completedJob)], {
      poll,
      maxAttempts: 20,
      random: Math.random,
    });
    await expect(client.waitForCompletion('job_abc123', { minPollIntervalMs: floor, timeoutMs: 1e9 })).resolves.toEqual(
      completedJob,
    );
    for (let i = 1; i < calls.length; i++) {
      expect((calls[i]?.at ?? 0) - (calls[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(floor);
    }
  });
});

describe('aborting', () => {
  it("rejects a wait mid-sleep with the signal's reason, without sleeping it out", async () => {
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const server = scriptedFetch([], { then: () => jsonReply(200, processingAt(10)) });
    // The real sleep: the first poll interval is 2 s of real time, which the abort must cut short.
    const client = createClient({ apiKey, fetch: server.fetch });
    const started = performance.now();
    const wait = client.waitForCompletion('job_abc123', {
      signal: controller.signal,
      onProgress: () => setTimeout(() => controller.abort(reason), 0),
    });
    await expect(wait).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(server.calls).toHaveLength(1);
  });

  it('rejects an in-flight request at once, even when fetch ignores the signal', async () => {
    const controller = new AbortController();
    const { client } = harness([() => new Promise<Response>(() => {})]);
    const job = client.get('job_abc123', { signal: controller.signal });
    controller.abort('stop');
    await expect(job).rejects.toBe('stop');
  });

  it('rejects a retry wait at once, even when the injected sleep ignores the signal', async () => {
    const controller = new AbortController();
    const { client } = harness([errorReply(500)], { sleep: () => new Promise<void>(() => {}) });
    const job = client.create(videoRequest, { signal: controller.signal });
    setTimeout(() => controller.abort('stop'), 0);
    await expect(job).rejects.toBe('stop');
  });

  it('sends nothing when the signal is already aborted', async () => {
    const signal = AbortSignal.abort('too late');
    const { client, calls } = harness([]);
    await expect(client.create(videoRequest, { signal })).rejects.toBe('too late');
    await expect(client.get('job_abc123', { signal })).rejects.toBe('too late');
    await expect(client.waitForCompletion('job_abc123', { signal })).rejects.toBe('too late');
    await expect(client.download(completedJob, { signal })).rejects.toBe('too late');
    expect(calls).toHaveLength(0);
  });
});
