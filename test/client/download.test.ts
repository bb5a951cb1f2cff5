import { describe, expect, it } from 'vitest';
import { InvalidRequestError, MalformedResponseError, NotFoundError } from '../../src/client/index.js';
import { videoFor } from '../../src/sim/media.js';
import { harness } from './harness.js';
import { bytesReply, errorReply, jsonReply } from './scripted-fetch.js';
import { completedJob } from './spec-jobs.js';

const [width, height] = completedJob.result.resolution.split('x').map(Number) as [number, number];
const video = videoFor({ duration: completedJob.result.duration, width, height });

describe('download', () => {
  it("fetches the job's result.url and sends no Authorization header", async () => {
    const { client, calls } = harness([bytesReply(video)]);
    const download = await client.download(completedJob);
    expect(download).toEqual({ bytes: video, contentType: 'video/mp4', status: 200 });
    expect(calls[0]?.url).toBe(completedJob.result.url);
    expect(calls[0]?.headers.has('authorization')).toBe(false);
  });

  it('takes a plain URL too', async () => {
    const { client, calls } = harness([bytesReply(video)]);
    await client.download('http://127.0.0.1:4010/v1/files/jobs/job_1/video.mp4');
    expect(calls[0]?.url).toBe('http://127.0.0.1:4010/v1/files/jobs/job_1/video.mp4');
  });

  it('asks for an inclusive byte range and answers the 206', async () => {
    const part = video.slice(0, 1024);
    const { client, calls } = harness([
      bytesReply(part, 206, { 'content-range': `bytes 0-1023/${video.byteLength}` }),
    ]);
    const download = await client.download(completedJob, { range: { start: 0, end: 1023 } });
    expect(calls[0]?.headers.get('range')).toBe('bytes=0-1023');
    expect(download.status).toBe(206);
    expect(download.bytes).toEqual(part);
  });

  it('rejects an impossible range before sending anything', async () => {
    const { client, calls } = harness([]);
    await expect(client.download(completedJob, { range: { start: 10, end: 5 } })).rejects.toThrow(RangeError);
    expect(calls).toHaveLength(0);
  });

  it('reports a range outside the file as InvalidRequestError and a missing file as NotFoundError', async () => {
    const { client, calls } = harness([errorReply(416), errorReply(404)]);
    await expect(client.download(completedJob, { range: { start: 90_000, end: 90_010 } })).rejects.toThrow(InvalidRequestError);
    await expect(client.download(completedJob)).rejects.toThrow(NotFoundError);
    expect(calls).toHaveLength(2);
  });

  it('reports a 200 that is not an MP4 as MalformedResponseError', async () => {
    const { client } = harness([jsonReply(200, { not: 'a video' })], { maxAttempts: 1 });
    await expect(client.download(completedJob)).rejects.toThrow(/Content-Type 'application\/json' is not one of: video\/mp4/);
  });

  it('retries a download whose body was cut off', async () => {
    const cut = new Response(video.slice(0, 100), {
      headers: { 'content-type': 'video/mp4', 'content-length': String(video.byteLength), 'x-request-id': 'r' },
    });
    const { client, calls } = harness([cut, bytesReply(video)]);
    await expect(client.download(completedJob)).resolves.toMatchObject({ bytes: video });
    expect(calls).toHaveLength(2);
  });

  it('throws MalformedResponseError once retries of a malformed download run out', async () => {
    const { client, calls } = harness([], { maxAttempts: 2, then: () => new Response('<html>', { headers: { 'content-type': 'text/html' } }) });
    await expect(client.download(completedJob)).rejects.toThrow(MalformedResponseError);
    expect(calls).toHaveLength(2);
  });
});
