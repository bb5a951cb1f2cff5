import { describe, expect, it } from 'vitest';
import { validateResponse } from '../../src/contract/validate-response.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, inSeries, poll, virtualClock, type CallResult } from '../support/sim-call.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { boxAt, fullBoxWords, readBoxes } from '../support/mp4-boxes.js';

async function completedJob(aspect_ratio = '16:9') {
  const clock = virtualClock();
  const sim = createSimulation({ now: clock.now });
  const id = (await create(sim, { aspect_ratio, duration: 1 })).json.id;
  clock.tick(60_000);
  const job = (await poll(sim, id)).json;
  return { sim, id, clock, url: new URL(job.result.url).pathname };
}

const bytesOf = (r: CallResult) => (r.response.body.kind === 'bytes' ? r.response.body.data : new Uint8Array());

describe('media', () => {
  it('serves a real MP4 at result.url with its type and length, without an API key', async () => {
    const { sim, url } = await completedJob();
    const r = await call(sim, 'GET', url, { key: null });
    expect(r.status).toBe(200);
    const bytes = bytesOf(r);
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ftyp');
    expect(r.headers).toMatchObject({ 'content-type': 'video/mp4', 'content-length': String(bytes.byteLength), 'accept-ranges': 'bytes' });
    expect(validateResponse('downloadJobMedia', 200, r.headers, null)).toEqual([]);
  });

  it("serves a file whose container says the job's duration and frame size", async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    const id = (await create(sim, { duration: 7, aspect_ratio: '9:16', resolution: '720p' })).json.id;
    clock.tick(60_000);
    const { result } = (await poll(sim, id)).json;
    const boxes = readBoxes(bytesOf(await call(sim, 'GET', new URL(result.url).pathname)));
    const [, , timescale = 0, duration = 0] = fullBoxWords(boxAt(boxes, 'moov/mvhd'));
    const tkhd = boxAt(boxes, 'moov/trak/tkhd').payload;
    const size = [tkhd.getUint32(tkhd.byteLength - 8) / 65536, tkhd.getUint32(tkhd.byteLength - 4) / 65536];
    expect([result.duration, result.resolution]).toEqual([7, '720x1280']);
    expect([duration / timescale, size.join('x')]).toEqual([7, '720x1280']);
  });

  it('answers a byte range with 206 and Content-Range', async () => {
    const { sim, url } = await completedJob();
    const whole = bytesOf((await call(sim, 'GET', url)));
    const r = await call(sim, 'GET', url, { headers: { range: 'bytes=10-19' } });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 10-19/${whole.byteLength}`);
    expect([...bytesOf(r)]).toEqual([...whole.subarray(10, 20)]);
    expect((await call(sim, 'GET', url, { headers: { range: 'bytes=-4' } })).headers['content-range']).toBe(
      `bytes ${whole.byteLength - 4}-${whole.byteLength - 1}/${whole.byteLength}`,
    );
    expect(validateResponse('downloadJobMedia', 206, r.headers, null)).toEqual([]);
  });

  it('answers 416 with the size for a range past the end', async () => {
    const { sim, url } = await completedJob();
    const r = await call(sim, 'GET', url, { headers: { range: 'bytes=999999-' } });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toMatch(/^bytes \*\/\d+$/);
    expect(validateResponse('downloadJobMedia', 416, r.headers, r.json)).toEqual([]);
  });

  it('answers 404 for media of a job not yet completed, an unknown job or another file name', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    const id = (await create(sim)).json.id;
    expect((await call(sim, 'GET', `/v1/files/jobs/${id}/video.mp4`)).status).toBe(404);
    const done = await completedJob();
    expect((await call(done.sim, 'GET', '/v1/files/jobs/job_nope/video.mp4')).status).toBe(404);
    expect((await call(done.sim, 'GET', `/v1/files/jobs/${done.id}/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { sim, url } = await completedJob();
    const r = await call(sim, 'HEAD', url);
    expect(r.status).toBe(200);
    expect(r.response.body.kind).toBe('none');
    expect(Number(r.headers['content-length'])).toBeGreaterThan(1000);
  });
});

describe('the job store', () => {
  it('keeps at most maxJobs jobs, forgetting the oldest first', async () => {
    const sim = createSimulation({ maxJobs: 3, now: virtualClock().now });
    const ids = await inSeries([1, 2, 3, 4], async () => (await create(sim)).json.id);
    expect(await sim.jobs()).toHaveLength(3);
    expect((await poll(sim, ids[0])).status).toBe(404);
    expect((await poll(sim, ids[3])).status).toBe(200);
  });

  it('forgets a job once its time to live has passed', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ jobTtlMs: 10_000, now: clock.now });
    const id = (await create(sim)).json.id;
    clock.tick(9_999);
    expect((await poll(sim, id)).status).toBe(200);
    clock.tick(1);
    expect((await poll(sim, id)).status).toBe(404);
  });

  it('rebuilds every job and wallet from the changes the in-memory store reported', async () => {
    const clock = virtualClock();
    const store = createMemoryStore();
    store.trackChanges(true);
    const a = createSimulation({ now: clock.now, timing: 'steps', store });
    const ids = await inSeries([1, 2, 3], async (d) => (await create(a, { duration: d })).json.id);
    await poll(a, ids[0]);
    const changes = store.drainChanges();
    const restored = createMemoryStore();
    restored.restore(changes);
    const b = createSimulation({ now: clock.now, timing: 'steps', store: restored });
    for (const id of ids) expect((await poll(b, id)).json.id).toBe(id);
    expect((await call(b, 'GET', '/__mock/wallet')).json.spent_cents).toBe(60);
  });
});

describe('the journal and credentials', () => {
  it('records where each request carried credentials, never their values', async () => {
    const { sim, url } = await completedJob();
    await call(sim, 'GET', url, { key: null });
    await call(sim, 'GET', url, { key: 'sk-aig-leaked-to-media' });
    await call(sim, 'GET', `${url}?api_key=abc`, { key: null, headers: { cookie: 'session=1' } });
    const journal = await sim.journal();
    const downloads = journal.filter((e) => e.operation === 'downloadJobMedia');
    expect(downloads.map((e) => e.credentials)).toEqual([[], ['authorization'], ['cookie', 'query']]);
    expect(JSON.stringify(journal)).not.toContain('leaked-to-media');
  });
});
