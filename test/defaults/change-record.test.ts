import { afterEach, describe, expect, it } from 'vitest';
import { getResponse } from 'msw';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { createHandlers } from '../../mocks/msw.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';

const create = (url: string) =>
  new Request(`${url}/videos/generations`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-aig-record', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake', duration: 1 }),
  });

describe('the record of changes kept for a state file', () => {
  let server: RunningMockServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('is not kept by a server without a state file, so memory stays bounded by the store', async () => {
    const store = createMemoryStore();
    server = await startMockServer({ port: 0, maxJobs: 5, store });
    for (let i = 0; i < 20; i++) expect((await fetch(create(server.url))).status).toBe(202);
    expect(await server.simulation.jobs()).toHaveLength(5);
    expect(store.drainChanges()).toEqual([]);
  });

  it('is not kept by the MSW handlers either', async () => {
    const store = createMemoryStore();
    const handlers = createHandlers({ baseUrl: 'http://mock.test', maxJobs: 5, store });
    for (let i = 0; i < 20; i++) expect((await getResponse(handlers, create('http://mock.test/v1')))?.status).toBe(202);
    expect(store.drainChanges()).toEqual([]);
  });
});
