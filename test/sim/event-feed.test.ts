import { describe, expect, it } from 'vitest';
import { createKeyHasher } from '../../src/sim/key-hash.js';
import type { EventFeed, FeedEvent } from '../../src/sim/event-feed.js';
import { MAX_BATCH, MAX_FEEDS } from '../../src/sim/event-feed.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { createSimulation, type Simulation } from '../../src/sim/simulation.js';
import { schemaValidator } from '../../src/contract/schema-validator.js';
import { call, create, inSeries, poll, virtualClock } from '../support/sim-call.js';

// One fingerprint secret for every simulation here, so that the fingerprints below are theirs.
const SECRET = 'fingerprints-known-to-the-test';
const keys = createKeyHasher(SECRET);
const fingerprint = keys.fingerprint('sk-aig-test');

/** Opens the event stream as an adapter would, and answers its feed. */
async function openFeed(sim: Simulation, headers: Record<string, string> = {}): Promise<EventFeed> {
  const r = await call(sim, 'GET', '/__mock/events', { key: null, headers });
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  if (r.response.body.kind !== 'events') throw new Error(`expected an event stream, got a ${r.response.body.kind} body`);
  return r.response.body.feed;
}

const named = <N extends FeedEvent['event']>(events: FeedEvent[], name: N) =>
  events.filter((e): e is Extract<FeedEvent, { event: N }> => e.event === name);

describe('the event stream', () => {
  it('starts with ready at the newest journal entry, then sends new requests, new jobs and the keys they touched', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    await create(sim);
    const feed = await openFeed(sim);
    const [ready, ...rest] = await feed.next();
    expect(ready).toMatchObject({ event: 'ready', id: 1, data: { journal_seq: 1, resumed: false, offset_ms: 0, timing: 'realtime' } });
    expect(rest).toEqual([]);
    const id = (await create(sim, { duration: 3 })).json.id;
    const events = await feed.next();
    expect(named(events, 'requests')).toEqual([{ event: 'requests', id: 2, data: { entries: [expect.objectContaining({ seq: 2, operation: 'createVideo', job_id: id })], skipped: 0 } }]);
    expect(named(events, 'jobs')[0]?.data.jobs).toEqual([expect.objectContaining({ id, status: 'queued', key: fingerprint })]);
    expect(named(events, 'keys')[0]?.data.keys).toEqual([expect.objectContaining({ key: fingerprint, wallet: expect.objectContaining({ spent_cents: 80 }), rate_limit: expect.objectContaining({ used: 2 }) })]);
    expect(await feed.next()).toEqual([]);
    feed.close();
  });

  it('tells a status moved by the clock alone, with no request, and only once', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ keySecret: SECRET, now: clock.now });
    const id = (await create(sim, { duration: 2 })).json.id;
    const feed = await openFeed(sim);
    await feed.next();
    clock.tick(1100);
    const processing = named(await feed.next(), 'jobs')[0]?.data.jobs[0];
    expect(processing).toMatchObject({ id, status: 'processing' });
    expect(processing?.progress_rate).toBeCloseTo(125);
    clock.tick(100);
    expect(await feed.next()).toEqual([]);
    clock.tick(1000);
    expect(named(await feed.next(), 'jobs')[0]?.data.jobs[0]).toMatchObject({ id, status: 'completed', progress: 100 });
    expect(await feed.next()).toEqual([]);
  });

  it('tells at once what this process\'s control calls changed: a fault armed, a wallet set, the clock moved, a reset', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    await create(sim);
    const feed = await openFeed(sim);
    await feed.next();
    await call(sim, 'POST', `/__mock/keys/${fingerprint}/faults`, { key: null, body: { operation: 'getJob', status: 503 } });
    await call(sim, 'PUT', `/__mock/keys/${fingerprint}/wallet`, { key: null, body: { balance_cents: 7 } });
    const keys = named(await feed.next(), 'keys')[0]?.data.keys[0];
    expect(keys).toMatchObject({ key: fingerprint, wallet: { balance_cents: 7 }, faults: [{ status: 503, remaining: 1 }] });
    await call(sim, 'POST', '/__mock/clock', { key: null, body: { advance_ms: 5000 } });
    expect(named(await feed.next(), 'clock')).toEqual([{ event: 'clock', data: expect.objectContaining({ offset_ms: 5000 }) }]);
    // The control API takes a POST only as JSON, body or not.
    await call(sim, 'POST', '/__mock/reset', { key: null, headers: { 'content-type': 'application/json' } });
    expect(named(await feed.next(), 'resync')).toEqual([{ event: 'resync', data: { reason: 'reset' } }]);
    expect(await feed.next()).toEqual([]);
  });

  it('tells jobs and keys that are gone after a key is reset', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    const id = (await create(sim)).json.id;
    const feed = await openFeed(sim);
    await feed.next();
    await call(sim, 'DELETE', `/__mock/keys/${fingerprint}`, { key: null });
    // The rescan that finds removed jobs runs at most once a second after a control call asks for it.
    let events: FeedEvent[] = [];
    for (let i = 0; i < 200 && named(events, 'jobs-removed').length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      events = [...events, ...(await feed.next())];
    }
    expect(named(events, 'keys-removed')).toEqual([{ event: 'keys-removed', data: { keys: [fingerprint] } }]);
    expect(named(events, 'jobs-removed')).toEqual([{ event: 'jobs-removed', data: { ids: [id] } }]);
  });

  it('sees what another process changed in a shared store: its requests, its jobs', async () => {
    const clock = virtualClock();
    const store = createMemoryStore();
    const dashboardSide = createSimulation({ keySecret: SECRET, now: clock.now, store });
    const apiSide = createSimulation({ keySecret: SECRET, now: clock.now, store });
    const feed = await openFeed(dashboardSide);
    await feed.next();
    const id = (await create(apiSide)).json.id;
    await poll(apiSide, id);
    const events = await feed.next();
    expect(named(events, 'requests')[0]?.data.entries.map((e) => e.operation)).toEqual(['createVideo', 'getJob']);
    expect(named(events, 'jobs')[0]?.data.jobs.map((j) => j.id)).toEqual([id]);
  });

  it('resumes after Last-Event-ID with the entries after it, and says resync when it cannot place it', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    await inSeries([1, 2, 3], () => create(sim));
    const resumed = await openFeed(sim, { 'last-event-id': '1' });
    const events = await resumed.next();
    expect(events[0]).toMatchObject({ event: 'ready', data: { journal_seq: 1, resumed: true } });
    expect(named(events, 'requests')[0]?.data.entries.map((e) => e.seq)).toEqual([2, 3]);
    const lost = await openFeed(sim, { 'last-event-id': '999' });
    const first = await lost.next();
    expect(first[0]).toMatchObject({ event: 'ready', data: { journal_seq: 3, resumed: false } });
    expect(named(first, 'resync')).toEqual([{ event: 'resync', data: { reason: 'resume-point-unknown' } }]);
    expect((await call(sim, 'GET', '/__mock/events', { key: null, headers: { 'last-event-id': 'abc' } })).json.error.param).toBe('Last-Event-ID');
  });

  it('counts what it leaves out when more arrived than one event carries, or the journal no longer holds', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now, journalLimit: MAX_BATCH + 50, rpm: 100_000 });
    const feed = await openFeed(sim);
    await feed.next();
    await inSeries(Array.from({ length: MAX_BATCH + 100 }), () => call(sim, 'GET', '/v1/models'));
    const [requests] = named(await feed.next(), 'requests');
    expect(requests?.data.entries).toHaveLength(MAX_BATCH);
    expect(requests?.data.skipped).toBe(100);
    expect(requests?.id).toBe(MAX_BATCH + 100);
  });

  it(`serves at most ${MAX_FEEDS} streams at once, and answers 429 with Retry-After beyond`, async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    const feeds = await inSeries(Array.from({ length: MAX_FEEDS }), () => openFeed(sim));
    const refused = await call(sim, 'GET', '/__mock/events', { key: null });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json.error.code).toBe('too_many_streams');
    feeds[0]?.close();
    await openFeed(sim);
  });
});

describe('the events it sends', () => {
  const schemaOf: Record<FeedEvent['event'], string> = {
    ready: 'ReadyEvent',
    requests: 'RequestsEvent',
    jobs: 'JobsEvent',
    'jobs-removed': 'JobsRemovedEvent',
    keys: 'KeysEvent',
    'keys-removed': 'KeysRemovedEvent',
    clock: 'Clock',
    resync: 'ResyncEvent',
  };

  it('are each valid against the control API spec schema their name gives, through a whole session', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ keySecret: SECRET, now: clock.now, dialect: 'union', failureRate: 0.5, seed: 3 });
    const feed = await openFeed(sim);
    const seen: FeedEvent[] = [...(await feed.next())];
    const admin = { key: null, headers: { 'content-type': 'application/json' } };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await create(sim, { duration: 2 + i })).json.id as string);
    seen.push(...(await feed.next()));
    await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503, count: 1, retry_after: 2 } });
    await poll(sim, ids[0] as string);
    await call(sim, 'DELETE', `/v1/jobs/${ids[1] as string}`);
    await call(sim, 'PUT', '/__mock/wallet', { body: { balance_cents: 55 } });
    seen.push(...(await feed.next()));
    clock.tick(1_500);
    seen.push(...(await feed.next()));
    await call(sim, 'POST', '/__mock/clock', { ...admin, body: { advance_ms: 60_000 } });
    seen.push(...(await feed.next()));
    await inSeries(ids, (id) => poll(sim, id));
    await call(sim, 'DELETE', `/__mock/keys/${fingerprint}`, { key: null });
    // The rescan that finds removed jobs runs at most once a second after a control call asks for it.
    for (let i = 0; i < 200 && !seen.some((e) => e.event === 'jobs-removed'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      seen.push(...(await feed.next()));
    }
    await create(sim);
    await call(sim, 'POST', '/__mock/reset', admin);
    seen.push(...(await feed.next()));
    feed.close();

    const names = new Set(seen.map((e) => e.event));
    for (const name of Object.keys(schemaOf) as FeedEvent['event'][]) expect(names, `no ${name} event`).toContain(name);
    const invalid = seen.flatMap((e) => {
      const validate = schemaValidator('admin', `#/components/schemas/${schemaOf[e.event]}`);
      return validate(e.data) ? [] : [`${e.event}: ${JSON.stringify(validate.errors?.slice(0, 2))}`];
    });
    expect(invalid).toEqual([]);
  });
});
