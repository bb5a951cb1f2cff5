// A user's test: the gateway answered in-process by the kit's MSW handlers, driven by the kit's client.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, InsufficientCreditsError } from 'aigw-video-kit';
import { createHandlers } from 'aigw-video-kit/msw';

const handlers = createHandlers({ timing: 'steps', seed: 7 });
const server = setupServer(...handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const client = createClient({ apiKey: 'sk-aig-consumer', poll: { initialMs: 1, maxMs: 1 } });

it('creates a job, waits for it to complete and downloads the MP4', async () => {
  const job = await client.create({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a slow drone shot over a lake', duration: 2 });
  expect(job.status).toBe('queued');
  const done = await client.waitForCompletion(job.id, { minPollIntervalMs: 1 });
  expect(done).toMatchObject({ id: job.id, status: 'completed', result: { duration: 2 } });
  const video = await client.download(done);
  expect(video.contentType).toBe('video/mp4');
  expect(new TextDecoder().decode(video.bytes.subarray(4, 8))).toBe('ftyp');
});

it('answers the error a request asks for with Prefer', async () => {
  const error = await client
    .create({ model: 'openai/sora-2-video-to-video-remix', prompt: 'p' }, { headers: { Prefer: 'code=402' } })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InsufficientCreditsError);
});
